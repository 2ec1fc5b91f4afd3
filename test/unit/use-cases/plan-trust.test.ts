import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import type { Source } from '../../../shared/ports/source.ts';
import { TrustedRuleUnreadableError } from '../../../shared/use-cases/configuration/trusted-rule-unreadable-error.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { type TestPolicyOptions, testPolicy } from '../../support/test-policy.ts';
import {
  CONVERGE_TAGS,
  convergeYaml,
  KEY,
  pipeline,
  REPOSITORY,
  REV0,
  REV1,
  STACK,
} from './pipeline-fixture.ts';

const APPROVER = 'slack:U0APPROVER';

/** The pipeline under a policy serving REPOSITORY and acme/other, with a control-plane approver. */
function trustWorld(options: TestPolicyOptions = {}) {
  const p = pipeline();
  p.deps.policy = testPolicy({ repositories: [REPOSITORY, 'acme/other'], approvers: [APPROVER], ...options });
  return p;
}

describe('planStack: who may plan a stack', () => {
  it('refuses another repository naming a stack that REPOSITORY owns, with a reason and no change set', async () => {
    const p = trustWorld();
    await p.trust('{ required: 1, autoApprove: never }');
    p.commit(REV1);
    const deployment = await planStack(p.deps, p.planJob(REV1, { repository: 'acme/other' }));
    expect(deployment.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(deployment.reason).toMatchObject({
      code: ReasonCode.STACK_OWNED_ELSEWHERE,
      message: expect.stringContaining(`belongs to ${REPOSITORY}`),
    });
    expect(p.stacks.created).toEqual([]);
    expect((await p.store.getStackState(KEY))?.owner).toBe(REPOSITORY);
  });

  it('gives a new stack to the repository whose deployment planned it first', async () => {
    const p = trustWorld();
    p.commit(REV1);
    await planStack(p.deps, p.planJob(REV1));
    expect((await p.store.getStackState(KEY))?.owner).toBe(REPOSITORY);
    expect(p.stacks.created[0]?.tags).toMatchObject({ 'converge:repository': REPOSITORY });
  });

  it('lets a preview claim nothing', async () => {
    const p = trustWorld();
    p.commit(REV1);
    await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 3 }));
    expect((await p.store.getStackState(KEY))?.owner).toBeUndefined();
  });

  it.each([
    ['a stack outside its globs', { stacks: ['app-*'] }, STACK],
    ['a protected stack', {}, 'CDKToolkit'],
  ])('refuses %s with StackNotPermitted', async (_case, options, stackName) => {
    const p = trustWorld(options);
    p.commit(REV1, { 'converge.yaml': convergeYaml().replace(`name: ${STACK}`, `name: ${stackName}`) });
    const deployment = await planStack(
      p.deps,
      p.planJob(REV1, { stackName, stackKey: `default/eu-west-1/${stackName}` }),
    );
    expect(deployment.reason?.code).toBe(ReasonCode.STACK_NOT_PERMITTED);
    expect(p.stacks.created).toEqual([]);
  });

  it('never touches an existing stack Converge did not create unless the policy allows adoption', async () => {
    const p = trustWorld();
    p.commit(REV1);
    p.stacks.existing(STACK);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.code).toBe(ReasonCode.STACK_NOT_MANAGED);
    expect(p.stacks.created).toEqual([]);
    expect((await p.store.getStackState(KEY))?.owner).toBeUndefined();
  });

  it('adopts an existing stack only under the control-plane rule, flagged as an adoption', async () => {
    const p = trustWorld({ adoption: true, autoApprove: 'always' });
    p.commit(REV1, { 'converge.yaml': convergeYaml('{ required: 0, autoApprove: always }') });
    p.stacks.existing(STACK);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.approval).toMatchObject({ approvers: [APPROVER], autoApprove: 'never', required: 1 });
    expect(p.notifier.sent.at(-1)?.context.event).toMatch(/^adoption: /);
  });
});

describe('planStack: who approves', () => {
  it('gates a first deployment by the control-plane approvers, never by anyone', async () => {
    const p = trustWorld({ autoApprove: 'always' });
    p.commit(REV1, { 'converge.yaml': convergeYaml('{ required: 0, autoApprove: always, approvers: [] }') });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.approval).toMatchObject({ approvers: [APPROVER], required: 1, autoApprove: 'never' });
  });

  it('reads approvers: [] in a trusted rule as the control-plane approvers, and raises it to the floor', async () => {
    const p = trustWorld({ floor: 2 });
    await p.trust('{ required: 1, autoApprove: never, approvers: [] }');
    p.commit(REV1);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.approval).toMatchObject({ approvers: [APPROVER], required: 2 });
  });

  it('treats a commit that lowers its own rule as a policy change: trusted approvers, never automatic, flagged', async () => {
    const p = trustWorld();
    await p.trust('{ required: 1, autoApprove: safe, approvers: ["github:alice"] }');
    p.commit(REV1, {
      'converge.yaml': convergeYaml('{ required: 0, autoApprove: always, approvers: ["github:alice"] }'),
    });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.approval).toMatchObject({
      required: 1,
      approvers: ['github:alice'],
      autoApprove: 'never',
    });
    expect(p.notifier.sent.at(-1)?.context.event).toContain(
      'policy change: approval of network-prod: required 1 → 0',
    );
  });

  it('auto-approves under the trusted rule when the revision changes nothing that governs trust', async () => {
    const p = trustWorld();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    expect((await planStack(p.deps, p.planJob(REV1))).status).toBe(DeploymentStatus.APPROVED);
  });

  it('waits while the trusted converge.yaml cannot be read, then fails with a reason, never a weaker rule', async () => {
    const p = trustWorld();
    await p.trust('{ required: 2, autoApprove: never }');
    p.commit(REV1, { 'converge.yaml': convergeYaml('{ required: 0, autoApprove: always }') });
    const source = p.deps.source;
    const failing: Source = {
      readFile: async (repository, revision, path) => {
        if (revision === REV0) throw new Error('git: bad object');
        return source.readFile(repository, revision, path);
      },
      changedPaths: (...args) => source.changedPaths(...args),
      commit: (...args) => source.commit(...args),
      compare: (...args) => source.compare(...args),
      branchHead: (...args) => source.branchHead(...args),
    };
    const deps = { ...p.deps, source: failing };
    const job = p.planJob(REV1);

    await expect(planStack(deps, job)).rejects.toBeInstanceOf(TrustedRuleUnreadableError);
    expect(p.stacks.created).toEqual([]);
    expect(await p.store.listDeployments(KEY)).toEqual([]);

    p.clock.advance(10 * 60_000);
    const failed = await planStack(deps, job);
    expect(failed.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(failed.reason?.code).toBe(ReasonCode.TRUSTED_RULE_UNREADABLE);
    expect(p.stacks.created).toEqual([]);
  });
});

describe('planStack: forks', () => {
  it('refuses a pull request from a fork when the policy does not preview forks', async () => {
    const p = trustWorld();
    p.commit(REV1);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 9, fork: true }));
    expect(preview.reason?.code).toBe(ReasonCode.FORK_NOT_ALLOWED);
    expect(p.stacks.created).toEqual([]);
  });

  it('previews a fork with the preview role when the policy allows it, and never queues it', async () => {
    const previewRoleArn = 'arn:aws:iam::123456789012:role/converge-preview';
    const p = trustWorld({ forks: { previews: true, previewRoleArn } });
    p.commit(REV1);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 9, fork: true }));
    expect(preview.status).toBe(DeploymentStatus.PLANNING);
    expect(p.stacks.created[0]?.roleArn).toBe(previewRoleArn);
    expect(p.queue.sent).toEqual([]);
  });

  it('never deploys from a fork', async () => {
    const p = trustWorld({ forks: { previews: true, previewRoleArn: 'arn:aws:iam::123456789012:role/p' } });
    p.commit(REV1);
    const deployment = await planStack(p.deps, p.planJob(REV1, { fork: true }));
    expect(deployment.reason?.code).toBe(ReasonCode.FORK_NOT_ALLOWED);
  });
});
