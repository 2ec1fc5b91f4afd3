import { describe, expect, it } from 'vitest';
import { executeHandler } from '../../../functions/execute/handler.ts';
import { planHandler } from '../../../functions/plan/handler.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import {
  approved,
  executing,
  KEY,
  pipeline,
  REPOSITORY,
  REV1,
  REV2,
  STACK,
} from '../use-cases/pipeline-fixture.ts';
import { context, sqsEvent } from './lambda-events.ts';

describe('plan handler', () => {
  it('plans each job of the batch and reports no failures', async () => {
    const p = pipeline();
    p.commit(REV1);
    const response = await planHandler(p.deps)(sqsEvent([p.planJob(REV1)]), context);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await p.store.listDeployments(KEY)).toEqual([
      expect.objectContaining({ status: DeploymentStatus.AWAITING_APPROVAL }),
    ]);
  });

  it('cleans up previews on a cleanup-preview job', async () => {
    const p = pipeline();
    p.commit(REV1);
    await planHandler(p.deps)(sqsEvent([p.planJob(REV1, { kind: 'preview', pullRequest: 3 })]), context);
    await planHandler(p.deps)(
      sqsEvent([{ type: 'cleanup-preview', repository: REPOSITORY, pullRequest: 3, stackKey: KEY }]),
      context,
    );
    expect((await p.store.listDeployments(KEY))[0]?.status).toBe(DeploymentStatus.SUPERSEDED);
  });

  it('fails only a message that is not a Converge job', async () => {
    const p = pipeline();
    p.commit(REV1);
    const response = await planHandler(p.deps)(
      sqsEvent(['{"type":"launch"}', { ...p.planJob(REV1), stackKey: 'other' }]),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'message-0' }]);
  });
});

describe('execute handler', () => {
  it('executes an approved deployment', async () => {
    const p = pipeline();
    const deployment = await approved(p);
    const response = await executeHandler(p.deps)(
      sqsEvent([{ type: 'execute', deploymentId: deployment.id, stackKey: KEY }]),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(p.stacks.executed).toHaveLength(1);
  });

  it('fails the message of a busy stack so SQS retries it later', async () => {
    const p = pipeline();
    await executing(p, REV1);
    // CloudFormation is done, but its status event has not released the lock yet.
    p.stacks.finish(STACK, 'success');
    p.clock.advance(1_000);
    const second = await approved(p, REV2);
    const response = await executeHandler(p.deps)(
      sqsEvent([{ type: 'execute', deploymentId: second.id, stackKey: KEY }]),
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'message-0' }]);
    expect((await p.store.getDeployment(second.id))?.status).toBe(DeploymentStatus.APPROVED);
  });
});
