import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { reconcileDeployments } from '../../../shared/use-cases/reconcile-deployments.ts';
import { awaitingApproval, executing, KEY, pipeline, STACK } from './pipeline-fixture.ts';

describe('reconcileDeployments', () => {
  it('closes an execution whose stack event never came', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    p.stacks.finish(STACK, 'success');
    expect(await reconcileDeployments(p.deps)).toEqual({ closed: 1, expired: 0 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('leaves an execution that is still running', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    expect(await reconcileDeployments(p.deps)).toEqual({ closed: 0, expired: 0 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
  });

  it('expires an approval request past expiresAt, deletes its change set and notifies', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_600_000);
    expect(await reconcileDeployments(p.deps)).toEqual({ closed: 0, expired: 1 });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXPIRED);
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
    expect(p.notifier.statuses(deployment.id).at(-1)).toBe(DeploymentStatus.EXPIRED);
  });

  it('keeps an approval request before expiresAt', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_599_999);
    await reconcileDeployments(p.deps);
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });
});
