import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { reconcileDeployments } from '../../../shared/use-cases/execution/reconcile-deployments.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { approved, awaitingApproval, KEY, pipeline, REV1, REV2 } from './pipeline-fixture.ts';

type Pipeline = ReturnType<typeof pipeline>;

/** The last notification about a deployment: what its Slack message and check run now show. */
function lastNotified(p: Pipeline, id: string) {
  return p.notifier.sent.filter((n) => n.deployment.id === id).at(-1);
}

/** Ends the deployment each way an approval request can end without being approved. */
const endings: [string, (p: Pipeline, d: Deployment) => Promise<void>, DeploymentStatus, RegExp][] = [
  [
    'a newer push supersedes it',
    async (p) => {
      p.commit(REV2);
      p.clock.advance(1_000);
      await planStack(p.deps, p.planJob(REV2));
    },
    DeploymentStatus.SUPERSEDED,
    /Revision b2b2b2b2b2b2 \(deployment .+\) is newer/,
  ],
  [
    'reconcile finds it past expiresAt',
    async (p) => {
      p.clock.advance(3_600_000);
      await reconcileDeployments(p.deps);
    },
    DeploymentStatus.EXPIRED,
    /Nobody approved/,
  ],
  [
    'an approver rejects it',
    async (p, d) => {
      await decideApproval(p.deps, {
        deploymentId: d.id,
        approver: 'slack:U0BOB',
        decision: 'reject',
        via: 'slack',
        comment: 'not now',
      });
    },
    DeploymentStatus.REJECTED,
    /Rejected by slack:U0BOB: not now/,
  ],
];

describe('an approval request that ends without approval', () => {
  it.each(endings)('is notified when %s, with the reason it ended', async (_how, end, status, why) => {
    const p = pipeline();
    const request = await awaitingApproval(p);
    await end(p, request);
    const notified = lastNotified(p, request.id);
    expect(notified?.deployment.status).toBe(status);
    expect(notified?.deployment.reason?.message).toMatch(why);
  });

  it.each(endings)(
    'refuses a later vote when %s, saying why, and records only the refusal',
    async (_how, end, status, why) => {
      const p = pipeline();
      const request = await awaitingApproval(p);
      await end(p, request);
      const before = (await p.store.getDeployment(request.id))!;
      const votes = await p.store.listApprovals(request.id);
      p.queue.drain();

      const result = await decideApproval(p.deps, {
        deploymentId: request.id,
        changeSetId: request.changeSet!.id,
        approver: 'slack:U0CAROL',
        decision: 'approve',
        via: 'slack',
      });
      expect(result.outcome).toBe('refused');
      expect(result.outcome === 'refused' && result.message).toMatch(
        status === DeploymentStatus.EXPIRED ? /approval window closed at/ : why,
      );
      const after = (await p.store.getDeployment(request.id))!;
      expect({ status: after.status, version: after.version }).toEqual({ status, version: before.version });
      expect(await p.store.listApprovals(request.id)).toEqual(votes);
      expect(p.queue.drain()).toEqual([]);
      const audit = await p.store.listAudit(`deployment#${request.id}`);
      expect(audit.at(-1)).toMatchObject({ action: 'vote-refused', actor: 'slack:U0CAROL' });
    },
  );

  it('is notified when execution finds a newer plan of the stack and supersedes it', async () => {
    const p = pipeline();
    const older = await approved(p, REV1);
    await p.store.recordAttempt(KEY, REV2, deploymentId(p.clock.now() + 1_000, 'newer'), p.clock.iso());
    await executeDeployment(p.deps, { deploymentId: older.id });
    const notified = lastNotified(p, older.id);
    expect(notified?.deployment.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(notified?.context.event).toBe(`superseded by ${REV2.slice(0, 7)}`);
  });

  it('is notified when a push supersedes a pending drift revert of the stack', async () => {
    const p = pipeline();
    p.commit(REV1);
    const revertId = deploymentId(p.clock.now(), 'revert-drift|detection-1');
    const revert: Deployment = {
      id: revertId,
      kind: 'revert-drift',
      stack: { stackName: 'network-prod', region: 'eu-west-1' },
      stackKey: KEY,
      repository: 'acme/infrastructure',
      revision: REV1,
      status: DeploymentStatus.AWAITING_APPROVAL,
      changeSet: { id: 'arn:revert', name: 'converge-revert' },
      expiresAt: new Date(p.clock.now() + 3_600_000).toISOString(),
      createdAt: p.clock.iso(),
      updatedAt: p.clock.iso(),
      version: 1,
    };
    await p.store.createDeployment(revert, {
      subject: `deployment#${revertId}`,
      action: 'planning',
      actor: 'system:drift',
      at: p.clock.iso(),
    });
    p.commit(REV2);
    p.clock.advance(1_000);
    await planStack(p.deps, p.planJob(REV2));
    expect((await p.store.getDeployment(revertId))?.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(lastNotified(p, revertId)?.deployment).toMatchObject({
      kind: 'revert-drift',
      status: DeploymentStatus.SUPERSEDED,
    });
  });
});
