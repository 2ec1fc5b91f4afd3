import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { DeploymentNotFoundError } from '../../../shared/ports/store-errors.ts';
import { RETRY_PENDING_MS, retryDeployment } from '../../../shared/use-cases/approval/retry-deployment.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { APPROVER, controlPipeline, ended, failed, snapshot } from './control-fixture.ts';
import { awaitingApproval, KEY, REPOSITORY, REV1, REV2, STACK } from './pipeline-fixture.ts';

describe('retryDeployment', () => {
  it.each(['FAILED', 'EXPIRED', 'PLAN_FAILED'] as const)(
    'queues a fresh plan of the same revision and stack for a %s deployment, audited',
    async (status) => {
      const p = controlPipeline();
      const deployment = await ended(p, status);
      expect(deployment.status).toBe(status);
      p.queue.drain();

      const result = await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

      expect(result).toMatchObject({ outcome: 'queued', deliveryId: `retry:${deployment.id}:1` });
      expect(p.queue.jobs('plan')).toEqual([
        expect.objectContaining({
          kind: 'deploy',
          repository: REPOSITORY,
          revision: REV1,
          stackName: STACK,
          stackKey: KEY,
          deliveryId: `retry:${deployment.id}:1`,
          author: 'alice',
        }),
      ]);
      expect((await p.store.listAudit(`deployment#${deployment.id}`)).at(-1)).toMatchObject({
        action: 'retry-requested',
        actor: APPROVER,
      });
    },
  );

  it('makes a new deployment with a fresh change set that waits for approval: the retry approves nothing', async () => {
    const p = controlPipeline();
    const deployment = await failed(p);
    p.queue.drain();
    const result = await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });
    if (result.outcome !== 'queued') throw new Error(result.message);

    const [job] = p.queue.jobs('plan');
    const fresh = await planStack(p.deps, job!);

    expect(fresh.id).toBe(result.deploymentId);
    expect(fresh).toMatchObject({ status: DeploymentStatus.AWAITING_APPROVAL, revision: REV1 });
    expect(fresh.changeSet?.id).not.toBe(deployment.changeSet?.id);
    expect(await p.store.listApprovals(fresh.id)).toEqual([]);
    expect(p.queue.jobs('execute')).toEqual([]);
  });

  it('refuses someone who may not approve the stack, and writes nothing', async () => {
    const p = controlPipeline();
    const deployment = await failed(p);
    const before = await snapshot(p, deployment.id);

    const result = await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: 'cli:mallory' });

    expect(result).toMatchObject({
      outcome: 'refused',
      code: 'NotAnApprover',
      message: expect.stringContaining(APPROVER),
    });
    expect(await snapshot(p, deployment.id)).toEqual(before);
  });

  it('asks the approvers the deployment’s own rule names, not the control-plane ones', async () => {
    const p = controlPipeline();
    const deployment = await ended(p, 'EXPIRED', { approvers: ['cli:carol'] });

    expect(
      await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER }),
    ).toMatchObject({
      outcome: 'refused',
      code: 'NotAnApprover',
    });
    expect(
      await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: 'cli:carol' }),
    ).toMatchObject({
      outcome: 'queued',
    });
  });

  it.each(['SUCCEEDED', 'NO_CHANGES', 'REJECTED'] as const)(
    'refuses a %s deployment and writes nothing',
    async (status) => {
      const p = controlPipeline();
      const deployment = await ended(p, status);
      expect(deployment.status).toBe(status);
      const before = await snapshot(p, deployment.id);

      const result = await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

      expect(result).toMatchObject({
        outcome: 'refused',
        code: 'NotRetryable',
        message: expect.stringContaining(status),
      });
      expect(await snapshot(p, deployment.id)).toEqual(before);
    },
  );

  it('refuses a deployment that has not ended', async () => {
    const p = controlPipeline();
    const deployment = await awaitingApproval(p);
    const before = await snapshot(p, deployment.id);

    expect(
      await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER }),
    ).toMatchObject({
      outcome: 'refused',
      code: 'NotRetryable',
    });
    expect(await snapshot(p, deployment.id)).toEqual(before);
  });

  it('refuses a superseded deployment and one with a newer deployment of the stack', async () => {
    const p = controlPipeline();
    const old = await ended(p, 'EXPIRED');
    const newer = await awaitingApproval(p, {}, REV2);
    const before = await snapshot(p, old.id);

    const result = await retryDeployment(p.deps, { deploymentId: old.id, requestedBy: APPROVER });

    expect(result).toMatchObject({
      outcome: 'refused',
      code: 'NotNewest',
      message: expect.stringContaining(newer.id),
    });
    expect(await snapshot(p, old.id)).toEqual(before);
  });

  it('queues one plan for two retries: the second waits for the first, then the first is no longer the newest', async () => {
    const p = controlPipeline();
    const deployment = await failed(p);
    p.queue.drain();
    await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

    const again = await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });
    expect(again).toMatchObject({ outcome: 'refused', code: 'RetryQueued' });
    expect(p.queue.jobs('plan')).toHaveLength(1);

    await planStack(p.deps, p.queue.jobs('plan')[0]!);
    p.clock.advance(RETRY_PENDING_MS);
    expect(
      await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER }),
    ).toMatchObject({
      outcome: 'refused',
      code: 'NotNewest',
    });
    expect(p.queue.jobs('plan')).toHaveLength(1);
  });

  it('retries again when the first retry’s plan never showed up', async () => {
    const p = controlPipeline();
    const deployment = await failed(p);
    p.queue.drain();
    await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });
    p.queue.drain();
    p.clock.advance(RETRY_PENDING_MS);

    expect(
      await retryDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER }),
    ).toMatchObject({
      outcome: 'queued',
      deliveryId: `retry:${deployment.id}:2`,
    });
  });

  it('throws DeploymentNotFoundError for an unknown id', async () => {
    const p = controlPipeline();
    await expect(
      retryDeployment(p.deps, { deploymentId: '01NOSUCHDEPLOYMENT0000000', requestedBy: APPROVER }),
    ).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });
});
