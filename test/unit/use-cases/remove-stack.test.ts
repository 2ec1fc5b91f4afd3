import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { managedStacks } from '../../../shared/use-cases/drift/managed-stacks.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { settleExecution } from '../../../shared/use-cases/execution/settle-execution.ts';
import { type RemoveStackJob, removeStack } from '../../../shared/use-cases/planning/remove-stack.ts';
import { KEY, pipeline, REPOSITORY, REV1, STACK } from './pipeline-fixture.ts';

/** converge.yaml at REV1: the stack is gone. */
const WITHOUT_STACK = 'version: 1\ndefaults:\n  region: eu-west-1\nstacks: []\n';

/** The pipeline with STACK applied under `approval` plus extra stack lines, and REV1 removing it. */
async function removed(stackLines: readonly string[] = [], approval = '{ required: 1, autoApprove: never }') {
  const p = pipeline();
  await p.trust([approval, ...stackLines.map((line) => `    ${line}`)].join('\n'));
  p.commit(REV1, { 'converge.yaml': WITHOUT_STACK });
  p.stacks.existing(STACK, 'UPDATE_COMPLETE', { 'converge:repository': REPOSITORY });
  const job: RemoveStackJob = {
    type: 'remove-stack',
    repository: REPOSITORY,
    revision: REV1,
    stackName: STACK,
    stackKey: KEY,
    requestedAt: p.clock.now(),
    deliveryId: 'delivery-remove',
    author: 'mallory',
  };
  return { p, job };
}

describe('removeStack', () => {
  it('releases a removed stack by default: recorded, audited, told once, no longer swept, never deleted', async () => {
    const { p, job } = await removed();
    expect(await removeStack(p.deps, job)).toEqual({ kind: 'released' });
    expect((await p.store.getStackState(KEY))?.released).toMatchObject({
      revision: REV1,
      outcome: 'released',
    });
    expect(p.notifier.released).toEqual([expect.objectContaining({ stackName: STACK, revision: REV1 })]);
    expect((await p.store.listAudit(`stack#${KEY}`)).map((r) => r.action)).toEqual(['released']);
    expect(await managedStacks(p.deps)).toEqual([]);
    expect(p.stacks.deletedStacks).toEqual([]);

    // The same job again (a redelivery) tells nothing new.
    expect((await removeStack(p.deps, job)).kind).toBe('skipped');
    expect(p.notifier.released).toHaveLength(1);
  });

  it('leaves a stack alone that is back in converge.yaml at the revision', async () => {
    const { p, job } = await removed();
    p.commit(REV1);
    expect((await removeStack(p.deps, job)).kind).toBe('skipped');
    expect((await p.store.getStackState(KEY))?.released).toBeUndefined();
  });

  it('ignores a removal asked by a repository that does not own the stack', async () => {
    const { p, job } = await removed(['onRemove: delete']);
    expect((await removeStack(p.deps, { ...job, repository: 'acme/other' })).kind).toBe('skipped');
    expect(await p.store.listDeployments(KEY)).toEqual([]);
    expect(p.notifier.released).toEqual([]);
  });

  it('plans a deletion that waits for a person even when the trusted rule auto-approves everything', async () => {
    const { p, job } = await removed(['onRemove: delete'], '{ required: 0, autoApprove: always }');
    const outcome = await removeStack(p.deps, job);
    expect(outcome.kind).toBe('deletion');
    const deployment = outcome.kind === 'deletion' ? outcome.deployment : undefined;
    expect(deployment).toMatchObject({ kind: 'delete', status: DeploymentStatus.AWAITING_APPROVAL });
    expect(deployment?.approval).toMatchObject({ required: 1, autoApprove: 'never' });
    expect(deployment?.changeSet?.id).toBe(p.stacks.stackId(STACK));
    expect(p.stacks.deletedStacks).toEqual([]);
    expect(p.notifier.sent.at(-1)?.context.event).toMatch(/^deletion: /);

    // An executor handed the unapproved deletion refuses to run it.
    expect((await executeDeployment(p.deps, { deploymentId: deployment!.id })).outcome).toBe('skipped');
    expect(p.stacks.deletedStacks).toEqual([]);
  });

  it('plans one deletion when the same removal arrives twice (a push and a poll)', async () => {
    const { p, job } = await removed(['onRemove: delete']);
    const first = await removeStack(p.deps, job);
    p.clock.advance(1_000);
    const second = await removeStack(p.deps, { ...job, deliveryId: 'poll:acme', requestedAt: p.clock.now() });
    expect(second.kind === 'deletion' && second.deployment.id).toBe(
      first.kind === 'deletion' && first.deployment.id,
    );
    expect((await p.store.listDeployments(KEY)).filter((d) => d.kind === 'delete')).toHaveLength(1);
  });

  it('deletes the approved stack by its id and records it deleted once the evidence says DELETE_COMPLETE', async () => {
    const { p, job } = await removed(['onRemove: delete']);
    const outcome = await removeStack(p.deps, job);
    const deployment = outcome.kind === 'deletion' ? outcome.deployment : undefined;
    const stackId = p.stacks.stackId(STACK);
    await decideApproval(p.deps, {
      deploymentId: deployment!.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    expect((await executeDeployment(p.deps, { deploymentId: deployment!.id })).outcome).toBe('executing');
    expect(p.stacks.deletedStacks).toEqual([stackId]);
    const executing = (await p.store.getDeployment(deployment!.id))!;
    expect(await settleExecution(p.deps, executing, { graceMs: 0, actor: 'test' })).toBe('closed');
    expect((await p.store.getDeployment(deployment!.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
    expect((await p.store.getStackState(KEY))?.released?.outcome).toBe('deleted');
  });

  it('refuses to delete a stack whose trusted configuration asks for termination protection', async () => {
    const { p, job } = await removed(['onRemove: delete', 'terminationProtection: true']);
    const outcome = await removeStack(p.deps, job);
    const deployment = outcome.kind === 'deletion' ? outcome.deployment : undefined;
    expect(deployment?.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(deployment?.reason).toMatchObject({
      code: ReasonCode.STACK_PROTECTED,
      message: expect.stringContaining('termination protection'),
    });
    expect(p.stacks.deletedStacks).toEqual([]);
  });
});
