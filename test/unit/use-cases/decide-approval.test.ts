import { describe, expect, it } from 'vitest';
import type { ApproverIdentity } from '../../../shared/domain/approval/approval.ts';
import { VoteRefusal } from '../../../shared/domain/approval/vote-refusal.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { decideApproval, VoteContendedError } from '../../../shared/use-cases/approval/decide-approval.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { overriding } from '../../support/overriding-store.ts';
import { awaitingApproval, convergeYaml, KEY, pipeline, REV1, REV2 } from './pipeline-fixture.ts';

/** converge.yaml needing two approvals, where bob votes from Slack and from GitHub. */
const WITH_BOB = `${convergeYaml('{ required: 2, autoApprove: never }')}people:\n  bob: [slack:U0BOB, github:bob]\n`;

/**
 * A deployment of REV2 awaiting approval, with REV1 applied: REV1's converge.yaml is the trusted
 * one (`trusted`), REV2's is the one being deployed (`deployed`).
 */
async function awaitingWithApplied(trusted: string, deployed: string) {
  const p = pipeline();
  p.commit(REV1, { 'converge.yaml': trusted });
  p.commit(REV2, { 'converge.yaml': deployed });
  const applied = deploymentId(p.clock.now() - 60_000, 'applied');
  await p.store.recordApplied(KEY, REV1, applied, new Date(p.clock.now()).toISOString());
  const deployment = await planStack(p.deps, p.planJob(REV2));
  if (deployment.status !== DeploymentStatus.AWAITING_APPROVAL)
    throw new Error(`fixture: ${deployment.status}`);
  return { p, deployment };
}

function bobVotes(p: ReturnType<typeof pipeline>, deploymentId: string, from: 'slack' | 'github') {
  return decideApproval(p.deps, {
    deploymentId,
    approver: from === 'slack' ? 'slack:U0BOB' : 'github:bob',
    decision: 'approve',
    via: from,
  });
}

describe('decideApproval', () => {
  it('approves at the quorum in the same write as the vote and queues the execution', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      changeSetId: deployment.changeSet?.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    expect(result).toMatchObject({ outcome: 'approved', deployment: { status: DeploymentStatus.APPROVED } });
    expect(p.queue.jobs('execute')).toEqual([
      { type: 'execute', deploymentId: deployment.id, stackKey: KEY },
    ]);
  });

  it('counts a vote short of the quorum without approving', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'github:bob',
      decision: 'approve',
      via: 'github',
    });
    expect(result).toMatchObject({
      outcome: 'pending',
      deployment: { status: DeploymentStatus.AWAITING_APPROVAL },
    });
    expect(p.queue.sent).toEqual([]);
  });

  it('rejects on one reject and deletes the change set', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'slack:U0BOB',
      decision: 'reject',
      via: 'slack',
    });
    expect(result).toMatchObject({ outcome: 'rejected', deployment: { status: DeploymentStatus.REJECTED } });
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
  });

  it.each([
    ['the author', { approver: 'github:alice' as const }, {}, VoteRefusal.SELF_APPROVAL],
    [
      'someone not on the approver list',
      { approver: 'slack:U0EVE' as const },
      { approvers: ['slack:U0BOB' as const] },
      VoteRefusal.UNKNOWN_APPROVER,
    ],
    ['a vote for another change set', { changeSetId: 'arn:other' }, {}, VoteRefusal.CHANGE_SET_MISMATCH],
  ])('refuses %s, tells the person why and audits it', async (_case, vote, approval, code) => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, approval);
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
      ...vote,
    });
    expect(result).toMatchObject({ outcome: 'refused', code });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect((await p.store.listAudit(`deployment#${deployment.id}`)).at(-1)).toMatchObject({
      action: 'vote-refused',
      reason: expect.stringContaining(code),
    });
  });

  it('refuses a second vote by the same person', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    const vote = {
      deploymentId: deployment.id,
      approver: 'github:bob' as const,
      decision: 'approve' as const,
      via: 'github' as const,
    };
    await decideApproval(p.deps, vote);
    expect(await decideApproval(p.deps, vote)).toMatchObject({
      outcome: 'refused',
      code: VoteRefusal.DUPLICATE_VOTE,
    });
  });

  it('counts a person once across Slack and GitHub, by the trusted people: list', async () => {
    const { p, deployment } = await awaitingWithApplied(WITH_BOB, WITH_BOB);
    expect(await bobVotes(p, deployment.id, 'slack')).toMatchObject({ outcome: 'pending' });
    expect(await bobVotes(p, deployment.id, 'github')).toMatchObject({
      outcome: 'refused',
      code: VoteRefusal.DUPLICATE_VOTE,
    });
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  it('ignores a people: entry that the revision being deployed adds', async () => {
    const withoutPeople = convergeYaml('{ required: 2, autoApprove: never }');
    const { p, deployment } = await awaitingWithApplied(withoutPeople, WITH_BOB);
    expect(await bobVotes(p, deployment.id, 'slack')).toMatchObject({ outcome: 'pending' });
    // Without a trusted alias, slack:U0BOB and github:bob are two approvers: the quorum of two is met.
    expect(await bobVotes(p, deployment.id, 'github')).toMatchObject({ outcome: 'approved' });
    expect(deployment.approval?.people).toBeUndefined();
  });

  it('refuses a vote after expiresAt', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_600_001);
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'github:bob',
      decision: 'approve',
      via: 'github',
    });
    expect(result).toMatchObject({ outcome: 'refused', code: VoteRefusal.EXPIRED });
  });

  it('refuses a vote on a finished deployment', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'github:bob',
      decision: 'reject',
      via: 'github',
    });
    const result = await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'github:carol',
      decision: 'approve',
      via: 'github',
    });
    expect(result).toMatchObject({ outcome: 'refused' });
    // Nothing executes; the rejection only released the stacks that depend on it.
    expect(p.queue.sent.map((s) => s.job.type)).toEqual(['dependency-closed']);
  });

  it('refuses a vote for a deployment that does not exist', async () => {
    const p = pipeline();
    const result = await decideApproval(p.deps, {
      deploymentId: '01KDXMISSING0000000000000',
      approver: 'github:bob',
      decision: 'approve',
      via: 'github',
    });
    expect(result).toMatchObject({ outcome: 'refused', code: 'NotFound' });
  });
});

/** A vote of `approver` on a deployment (its current change set). */
function voteOf(
  deploymentId: string,
  approver: ApproverIdentity,
  decision: 'approve' | 'reject' = 'approve',
) {
  return { deploymentId, approver, decision, via: 'github' as const };
}

describe('decideApproval with votes at the same moment', () => {
  it.each([2, 3])(
    'approves once N approvals for required: N arrive together (N = %i), and queues one execution',
    async (n) => {
      const p = pipeline();
      const deployment = await awaitingApproval(p, { required: n });
      const approvers = Array.from({ length: n }, (_, i) => `github:approver-${i}` as const);

      const results = await Promise.all(
        approvers.map((a) => decideApproval(p.deps, voteOf(deployment.id, a))),
      );

      expect(results.map((r) => r.outcome).sort()).toEqual(['approved', ...Array(n - 1).fill('pending')]);
      expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
      expect(await p.store.listApprovals(deployment.id)).toHaveLength(n);
      expect(p.queue.jobs('execute')).toEqual([
        { type: 'execute', deploymentId: deployment.id, stackKey: KEY },
      ]);
    },
  );

  it('counts a person once when they vote from Slack and GitHub at the same moment', async () => {
    const { p, deployment } = await awaitingWithApplied(WITH_BOB, WITH_BOB);
    const results = await Promise.all([
      bobVotes(p, deployment.id, 'slack'),
      bobVotes(p, deployment.id, 'github'),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['pending', 'refused']);
    expect(results.find((r) => r.outcome === 'refused')).toMatchObject({ code: VoteRefusal.DUPLICATE_VOTE });
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  it('ends an approve racing a reject in one decision, for required: 1', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    const [approve, reject] = await Promise.all([
      decideApproval(p.deps, voteOf(deployment.id, 'github:bob')),
      decideApproval(p.deps, voteOf(deployment.id, 'github:dave', 'reject')),
    ]);

    const decided = (await p.store.getDeployment(deployment.id))?.status;
    expect([approve?.outcome, reject?.outcome]).toEqual(
      decided === DeploymentStatus.APPROVED ? ['approved', 'refused'] : ['refused', 'rejected'],
    );
    expect(p.queue.jobs('execute')).toHaveLength(decided === DeploymentStatus.APPROVED ? 1 : 0);
    expect(p.stacks.deleted).toHaveLength(decided === DeploymentStatus.REJECTED ? 1 : 0);
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
  });

  it('judges a vote again when the deployment changed under it, and counts it', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    let overtaken = false;
    // Another process saves notification refs between this vote's read and its write, once.
    p.deps.store = overriding(p.store, {
      async recordApproval(...args) {
        if (!overtaken) {
          overtaken = true;
          await p.store.saveNotifications(
            deployment.id,
            { slack: { channel: 'C1', ts: '1.1' } },
            {
              subject: `deployment#${deployment.id}`,
              action: 'notified',
              actor: 'system:notify',
              at: p.clock.iso(),
            },
          );
        }
        return p.store.recordApproval(...args);
      },
    });
    expect(await decideApproval(p.deps, voteOf(deployment.id, 'github:bob'))).toMatchObject({
      outcome: 'pending',
    });
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
    expect(p.clock.sleeps).toHaveLength(1);
  });
});

describe('decideApproval when the store fails', () => {
  const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ThrottlingException',
  });

  it('throws a store failure that is not a conflict, refusing nothing, and counts the vote cast again', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    let failures = 0;
    p.deps.store = overriding(p.store, {
      async recordApproval(...args) {
        if (failures++ === 0) throw throttled;
        return p.store.recordApproval(...args);
      },
    });

    await expect(decideApproval(p.deps, voteOf(deployment.id, 'github:bob'))).rejects.toBe(throttled);
    const trail = await p.store.listAudit(`deployment#${deployment.id}`);
    expect(trail.map((r) => r.action)).not.toContain('vote-refused');
    expect(await p.store.listApprovals(deployment.id)).toEqual([]);

    expect(await decideApproval(p.deps, voteOf(deployment.id, 'github:bob'))).toMatchObject({
      outcome: 'approved',
    });
    expect(p.queue.jobs('execute')).toHaveLength(1);
  });

  it('gives up with VoteContendedError, refusing nothing, when the deployment changes under every attempt', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.deps.store = overriding(p.store, {
      async recordApproval(...args) {
        await p.store.saveNotifications(
          deployment.id,
          {},
          {
            subject: `deployment#${deployment.id}`,
            action: 'notified',
            actor: 'system:notify',
            at: p.clock.iso(),
          },
        );
        return p.store.recordApproval(...args);
      },
    });

    await expect(decideApproval(p.deps, voteOf(deployment.id, 'github:bob'))).rejects.toBeInstanceOf(
      VoteContendedError,
    );
    expect(await p.store.listApprovals(deployment.id)).toEqual([]);
    expect((await p.store.listAudit(`deployment#${deployment.id}`)).map((r) => r.action)).not.toContain(
      'vote-refused',
    );
    expect(p.clock.sleeps).toHaveLength(9);
    for (const ms of p.clock.sleeps) expect(ms).toBeLessThanOrEqual(100);
  });

  it('throws when the notification refs cannot be saved after the vote counted', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    p.notifier.sent.length = 0;
    const unsaved = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    p.deps.store = overriding(p.store, {
      async saveNotifications() {
        throw unsaved;
      },
    });
    // A notifier that has new refs to keep (a channel posted anew).
    p.deps.notifier = {
      deploymentChanged: async (d: Deployment) => ({
        refs: { ...d.notifications, extra: { ts: '2' } },
        changed: true,
        failures: [],
      }),
      pullRequestClosed: async () => ({ refs: {}, changed: false, failures: [] }),
    } as unknown as typeof p.notifier;

    await expect(decideApproval(p.deps, voteOf(deployment.id, 'github:bob'))).rejects.toBe(unsaved);
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
  });
});
