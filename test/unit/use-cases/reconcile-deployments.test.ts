import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { deploymentId } from '../../../shared/use-cases/deployment-names.ts';
import { planStack } from '../../../shared/use-cases/plan-stack.ts';
import { reconcileDeployments } from '../../../shared/use-cases/reconcile-deployments.ts';
import {
  approved,
  awaitingApproval,
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
    // REV2 is planned in a moment when the stack was settled; REV1's execution holds the lock.
    p.stacks.finish(STACK, 'success');
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
});
