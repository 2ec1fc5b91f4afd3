import { describe, expect, it } from 'vitest';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { toStackStatus } from '../../../shared/domain/stack/stack-statuses.ts';
import { ChangeSetExecutionRefusedError } from '../../../shared/ports/stacks.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { closeOnStackEvent } from '../../../shared/use-cases/execution/close-on-stack-event.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { StackBusyError } from '../../../shared/use-cases/planning/stack-busy-error.ts';
import {
  approved,
  awaitingApproval,
  CONVERGE_TAGS,
  KEY,
  pipeline,
  REV1,
  REV2,
  STACK,
} from './pipeline-fixture.ts';

describe('executeDeployment', () => {
  it('executes the approved change set with the deployment id as ClientRequestToken and holds the lock', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'executing',
      deployment: { status: DeploymentStatus.EXECUTING },
    });
    expect(p.stacks.executed).toEqual([
      { stackName: STACK, changeSetId: deployment.changeSet?.id, clientRequestToken: deployment.id },
    ]);
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
  });

  it('acts on the stack under a session named after the deployment (the RoleSessionName in a target account)', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.stacks.sessions.length = 0;
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(p.stacks.sessions).not.toHaveLength(0);
    expect(new Set(p.stacks.sessions)).toEqual(new Set([deployment.id]));
  });

  it('never executes an APPROVED deployment without an approval naming it and its change set', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    await p.store.transition(
      deployment.id,
      'AWAITING_APPROVAL',
      { status: 'APPROVED', updatedAt: p.clock.iso() },
      { subject: 'x', action: 'approved', actor: 'test', at: p.clock.iso() },
    );
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'failed',
      deployment: { reason: { code: ReasonCode.APPROVAL_MISSING } },
    });
    expect(p.stacks.executed).toEqual([]);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('never executes when fewer people approved than the rule requires', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p, { required: 2 });
    await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    await p.store.transition(
      deployment.id,
      'AWAITING_APPROVAL',
      { status: 'APPROVED', updatedAt: p.clock.iso() },
      { subject: 'x', action: 'approved', actor: 'test', at: p.clock.iso() },
    );
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'failed',
      deployment: { reason: { code: ReasonCode.APPROVAL_MISSING } },
    });
    expect(p.stacks.executed).toEqual([]);
  });

  it('executes a duplicated execute job once', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    const results = await Promise.allSettled([
      executeDeployment(p.deps, { deploymentId: deployment.id }),
      executeDeployment(p.deps, { deploymentId: deployment.id }),
    ]);
    expect(p.stacks.executed).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'executing')).toHaveLength(
      1,
    );
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
  });

  it('throws a retryable StackBusyError while another execution holds the stack, executing nothing', async () => {
    const p = pipeline();
    const first = await approved(p, REV1);
    await executeDeployment(p.deps, { deploymentId: first.id });
    // CloudFormation is done, but its status event has not released the lock yet.
    p.stacks.finish(STACK, 'success');
    p.clock.advance(1_000);
    const second = await approved(p, REV2);
    await expect(executeDeployment(p.deps, { deploymentId: second.id })).rejects.toBeInstanceOf(
      StackBusyError,
    );
    expect(p.stacks.executed.map((e) => e.clientRequestToken)).toEqual([first.id]);
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(first.id);
  });

  it('runs one execution at a time when two approved deployments of a stack race', async () => {
    const p = pipeline();
    const first = await approved(p, REV1);
    // A second APPROVED deployment of the same stack, written directly (as a lost race could leave it).
    const id = deploymentId(p.clock.now() + 1, 'second');
    const { changeSetId } = await p.stacks.createChangeSet({
      ...p.stacks.created[0]!,
      changeSetName: 'converge-second',
    });
    await p.stacks.describeChangeSet(first.stack, changeSetId);
    await p.store.createDeployment(
      {
        ...first,
        id,
        revision: REV2,
        status: 'AWAITING_APPROVAL',
        changeSet: { id: changeSetId, name: 'converge-second' },
        version: 1,
        notifications: undefined,
      },
      { subject: `deployment#${id}`, action: 'planning', actor: 'test', at: p.clock.iso() },
    );
    await decideApproval(p.deps, {
      deploymentId: id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    const results = await Promise.allSettled([
      executeDeployment(p.deps, { deploymentId: first.id }),
      executeDeployment(p.deps, { deploymentId: id }),
    ]);
    expect(p.stacks.executed).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason),
    ).toEqual([expect.any(StackBusyError)]);
  });

  it('never executes an older revision once a newer one was planned', async () => {
    const p = pipeline();
    const older = await approved(p, REV1);
    p.clock.advance(1_000);
    p.commit(REV2);
    await planStack(p.deps, p.planJob(REV2));
    const result = await executeDeployment(p.deps, { deploymentId: older.id });
    expect(result.outcome).toBe('skipped');
    expect((await p.store.getDeployment(older.id))?.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(p.stacks.executed).toEqual([]);
  });

  it('supersedes instead of executing when a newer plan started but has not superseded it yet', async () => {
    const p = pipeline();
    const older = await approved(p, REV1);
    await p.store.recordAttempt(KEY, REV2, deploymentId(p.clock.now() + 1_000, 'newer'), p.clock.iso());
    const result = await executeDeployment(p.deps, { deploymentId: older.id });
    expect(result).toMatchObject({
      outcome: 'superseded',
      deployment: { status: DeploymentStatus.SUPERSEDED },
    });
    expect(p.stacks.deleted).toEqual([older.changeSet?.id]);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('fails and releases the lock when the change set is no longer available', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    await p.stacks.deleteChangeSet(deployment.stack, deployment.changeSet!.id);
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'failed',
      deployment: { reason: { code: ReasonCode.CHANGE_SET_OBSOLETE } },
    });
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('plans the same revision again when its change set went stale, so the stack still converges', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.queue.drain();
    await p.stacks.deleteChangeSet(deployment.stack, deployment.changeSet!.id);
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    const all = p.queue.drain();
    // The failed deployment also releases its dependents (if any) at that revision.
    expect(all.filter((j) => j.job.type === 'dependency-closed')).toHaveLength(1);
    const jobs = all.filter((j) => j.job.type === 'plan');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.job).toMatchObject({
      type: 'plan',
      kind: 'deploy',
      revision: deployment.revision,
      stackKey: KEY,
      requestedAt: p.clock.now(),
    });
    expect(jobs[0]?.group).toBe(KEY);
  });

  it('keeps every author on the plan made again, so none of them can approve the new deployment', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    await p.store.transition(
      deployment.id,
      deployment.status,
      { status: deployment.status, updatedAt: p.clock.iso(), authors: ['github:carol', 'github:dave'] },
      {
        subject: `deployment#${deployment.id}`,
        action: 'planning',
        actor: 'system:test',
        at: p.clock.iso(),
      },
    );
    p.queue.drain();
    await p.stacks.deleteChangeSet(deployment.stack, deployment.changeSet!.id);
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    const [replanned] = p.queue.drain().filter((j) => j.job.type === 'plan');
    expect(replanned?.job).toMatchObject({ type: 'plan', authors: ['github:carol', 'github:dave'] });
  });

  it('retries later and releases the lock while the stack is mid-operation', async () => {
    const p = pipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const deployment = await approved(p);
    p.stacks.operationStarted(STACK, 'UPDATE_IN_PROGRESS');
    await expect(executeDeployment(p.deps, { deploymentId: deployment.id })).rejects.toBeInstanceOf(
      StackBusyError,
    );
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
  });

  it('retries later, executing nothing, while the stack runs an operation this version does not know', async () => {
    const p = pipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const deployment = await approved(p);
    // The adapter reads a status CloudFormation may add later as running, not as idle.
    p.stacks.operationStarted(STACK, toStackStatus('UPDATE_SOMETHING_NEW_IN_PROGRESS'));
    await expect(executeDeployment(p.deps, { deploymentId: deployment.id })).rejects.toBeInstanceOf(
      StackBusyError,
    );
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('fails when the stack is in a status no change set can update', async () => {
    const p = pipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const deployment = await approved(p);
    // The stack fell into the status after planning, while the deployment waited.
    const live = p.stacks.stacks.get(STACK);
    if (live) live.status = 'UPDATE_ROLLBACK_FAILED';
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'failed',
      deployment: { reason: { code: ReasonCode.STACK_NOT_UPDATABLE } },
    });
  });

  it('skips a deployment that is not APPROVED', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'skipped',
    });
    expect(p.stacks.executed).toEqual([]);
  });

  it('keeps a deployment whose ExecuteChangeSet answer was lost EXECUTING with the lock, and its event ends it SUCCEEDED', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.stacks.interruptExecute('lost-after');
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'executing',
      deployment: { status: DeploymentStatus.EXECUTING },
    });
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
    const status = p.stacks.finish(STACK, 'success');
    await closeOnStackEvent(p.deps, {
      stackId: p.stacks.stackId(STACK),
      status,
      clientRequestToken: deployment.id,
    });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
    expect(p.stacks.executed).toHaveLength(1);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('calls ExecuteChangeSet again with the same token when the first call never reached CloudFormation', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.stacks.interruptExecute('lost-before', 'lost-after');
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result.outcome).toBe('executing');
    expect(p.stacks.executed).toEqual([
      { stackName: STACK, changeSetId: deployment.changeSet?.id, clientRequestToken: deployment.id },
    ]);
  });

  it('never assumes failure when no call gets an answer: EXECUTING, lock held, nothing ran yet', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.stacks.interruptExecute('lost-before', 'lost-before', 'lost-before');
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'executing',
      deployment: { status: DeploymentStatus.EXECUTING },
    });
    expect(p.stacks.executed).toEqual([]);
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
  });

  it('fails and releases the lock when CloudFormation refuses ExecuteChangeSet and nothing ran', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    // Someone executed another change set of the stack between the checks and the call.
    const changeSet = p.stacks.stacks.get(STACK)!.changeSets.get(deployment.changeSet!.id)!;
    const refusing = p.stacks.executeChangeSet.bind(p.stacks);
    p.stacks.executeChangeSet = async (stack, id, token) => {
      changeSet.executionStatus = 'OBSOLETE';
      return refusing(stack, id, token);
    };
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'failed',
      deployment: { status: DeploymentStatus.FAILED, reason: { code: ReasonCode.CHANGE_SET_OBSOLETE } },
    });
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    expect(p.queue.jobs('plan').map((job) => job.revision)).toContain(deployment.revision);
  });

  it('never fails on a refusal while CloudFormation cannot say whether the call ran', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    const execute = p.stacks.executeChangeSet.bind(p.stacks);
    let calls = 0;
    let reachable = true;
    p.stacks.interruptExecute('lost-before');
    p.stacks.executeChangeSet = async (stack, id, token) => {
      calls += 1;
      if (calls === 1) return execute(stack, id, token);
      // The retry runs, yet the answer is a refusal, and CloudFormation is unreachable right after.
      await execute(stack, id, token);
      reachable = false;
      throw new ChangeSetExecutionRefusedError(id, 'ValidationError', 'Stack is in UPDATE_IN_PROGRESS state');
    };
    const describe = p.stacks.describeChangeSet.bind(p.stacks);
    const operation = p.stacks.operationStatus.bind(p.stacks);
    p.stacks.describeChangeSet = async (stack, id) => {
      if (!reachable) throw new Error('connect ETIMEDOUT');
      return describe(stack, id);
    };
    p.stacks.operationStatus = async (stack, token) => {
      if (!reachable) throw new Error('connect ETIMEDOUT');
      return operation(stack, token);
    };
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({
      outcome: 'executing',
      deployment: { status: DeploymentStatus.EXECUTING },
    });
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
    expect(p.stacks.executed).toHaveLength(1);
  });
});
