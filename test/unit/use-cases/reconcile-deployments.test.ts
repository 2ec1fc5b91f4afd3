import { describe, expect, it } from 'vitest';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { reconcileDeployments } from '../../../shared/use-cases/execution/reconcile-deployments.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import {
  approved,
  awaitingApproval,
  CONVERGE_TAGS,
  executing,
  KEY,
  pipeline,
  REV1,
  REV2,
  STACK,
} from './pipeline-fixture.ts';

describe('reconcileDeployments', () => {
  it('closes an execution whose stack event never came', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    p.stacks.finish(STACK, 'success');
    expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 1, expired: 0 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('leaves an execution that is still running', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 0, expired: 0 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
  });

  it('expires an approval request past expiresAt, deletes its change set and notifies', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_600_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 0, expired: 1 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXPIRED);
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
    expect(p.notifier.statuses(deployment.id).at(-1)).toBe(DeploymentStatus.EXPIRED);
  });

  it('fails a deploy whose plan never finished, and deletes its change set', async () => {
    const p = pipeline();
    // What a plan job that died after recording its deployment leaves behind.
    const done = await awaitingApproval(p);
    const id = deploymentId(p.clock.now() + 1, 'crashed');
    await p.store.createDeployment(
      {
        ...done,
        id,
        status: DeploymentStatus.PLANNING,
        changeSet: undefined,
        expiresAt: undefined,
        notifications: undefined,
        version: 1,
      },
      { subject: `deployment#${id}`, action: 'planning', actor: 'test', at: p.clock.iso() },
    );
    p.clock.advance(60 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ abandoned: 1 });
    expect((await p.store.getDeployment(id))?.reason?.code).toBe(ReasonCode.CHANGE_SET_TIMEOUT);
  });

  it('leaves previews PLANNING', async () => {
    const p = pipeline();
    p.commit(REV1);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 5 }));
    p.clock.advance(24 * 60 * 60_000);
    await reconcileDeployments(p.deps);
    expect((await p.store.getDeployment(preview.id))?.status).toBe(DeploymentStatus.PLANNING);
  });

  it('queues again the execution of a deployment approved long ago', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    p.queue.drain();
    p.clock.advance(15 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ requeued: 1 });
    expect(p.queue.jobs('execute')).toEqual([
      { type: 'execute', deploymentId: deployment.id, stackKey: KEY },
    ]);
  });

  it('does not queue it again while another execution holds the stack', async () => {
    const p = pipeline();
    await executing(p, REV1);
    // REV2 is planned in a moment when the stack read settled; REV1's execution still holds the lock.
    p.stacks.operationStarted(STACK, 'UPDATE_COMPLETE');
    p.clock.advance(1_000);
    await approved(p, REV2);
    p.stacks.operationStarted(STACK, 'UPDATE_IN_PROGRESS');
    p.queue.drain();
    p.clock.advance(15 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ requeued: 0 });
  });

  it('keeps an approval request before expiresAt', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_599_999);
    await reconcileDeployments(p.deps);
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  describe('an execution whose function died between the EXECUTING write and ExecuteChangeSet', () => {
    /** What the crash leaves: EXECUTING, the lock held, the change set AVAILABLE, nothing ran. */
    async function crashedBeforeExecute(p: ReturnType<typeof pipeline>) {
      p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
      const deployment = await approved(p);
      await p.store.acquireLock(KEY, deployment.id, p.clock.now(), 3_600_000);
      return p.store.transition(
        deployment.id,
        'APPROVED',
        { status: 'EXECUTING', updatedAt: p.clock.iso() },
        { subject: `deployment#${deployment.id}`, action: 'executing', actor: 'test', at: p.clock.iso() },
      );
    }

    it('is never SUCCEEDED from the stack status alone', async () => {
      const p = pipeline();
      const deployment = await crashedBeforeExecute(p);
      expect((await p.stacks.describeStack(deployment.stack))?.status).toBe('UPDATE_COMPLETE');
      expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 0, resumed: 0 });
      expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
      expect((await p.store.getStackState(KEY))?.lastAppliedRevision).toBeUndefined();
      expect(p.stacks.executed).toEqual([]);
    });

    it('is executed once with its token after the grace period, then closed by its evidence', async () => {
      const p = pipeline();
      const deployment = await crashedBeforeExecute(p);
      p.clock.advance(5 * 60_000);
      expect(await reconcileDeployments(p.deps)).toMatchObject({ resumed: 1, closed: 0 });
      expect(await reconcileDeployments(p.deps)).toMatchObject({ resumed: 0, closed: 0 });
      expect(p.stacks.executed).toEqual([
        { stackName: STACK, changeSetId: deployment.changeSet?.id, clientRequestToken: deployment.id },
      ]);
      p.stacks.finish(STACK, 'success');
      expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 1 });
      expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
      expect(await p.store.getStackState(KEY)).toMatchObject({ lastAppliedRevision: REV1 });
      expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    });

    it('fails with a named reason, never executing, when a newer revision was planned meanwhile', async () => {
      const p = pipeline();
      const deployment = await crashedBeforeExecute(p);
      await p.store.recordAttempt(KEY, REV2, deploymentId(p.clock.now() + 1_000, 'newer'), p.clock.iso());
      p.clock.advance(5 * 60_000);
      expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 1 });
      expect(await p.store.getDeployment(deployment.id)).toMatchObject({
        status: DeploymentStatus.FAILED,
        reason: { code: ReasonCode.NEWER_REVISION },
      });
      expect(p.stacks.executed).toEqual([]);
      expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    });

    it('fails with a named reason when its change set went OBSOLETE without running', async () => {
      const p = pipeline();
      const deployment = await crashedBeforeExecute(p);
      p.stacks.stacks.get(STACK)!.changeSets.get(deployment.changeSet!.id)!.executionStatus = 'OBSOLETE';
      expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 1 });
      expect(await p.store.getDeployment(deployment.id)).toMatchObject({
        status: DeploymentStatus.FAILED,
        reason: { code: ReasonCode.CHANGE_SET_OBSOLETE },
      });
      expect((await p.store.getStackState(KEY))?.lastAppliedRevision).toBeUndefined();
    });
  });

  it('closes an execution FAILED from its change set when the rollback event was lost', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    p.stacks.finish(STACK, 'rollback');
    expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 1 });
    expect(await p.store.getDeployment(deployment.id)).toMatchObject({
      status: DeploymentStatus.FAILED,
      reason: { code: ReasonCode.ROLLED_BACK },
    });
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('leaves an execution alone while CloudFormation cannot be asked', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    p.stacks.finish(STACK, 'success');
    p.stacks.describeChangeSet = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    p.stacks.operationStatus = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    expect(await reconcileDeployments(p.deps)).toMatchObject({ closed: 0 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
  });
});
