import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { closeOnStackEvent } from '../../../shared/use-cases/execution/close-on-stack-event.ts';
import { executing, KEY, pipeline, REV1, STACK } from './pipeline-fixture.ts';

describe('closeOnStackEvent', () => {
  it('ends SUCCEEDED, records the applied revision and releases the lock', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const status = p.stacks.finish(STACK, 'success');
    const result = await closeOnStackEvent(p.deps, {
      stackId: p.stacks.stackId(STACK),
      status,
      clientRequestToken: deployment.id,
    });
    expect(result).toMatchObject({ outcome: 'closed', deployment: { status: DeploymentStatus.SUCCEEDED } });
    const state = await p.store.getStackState(KEY);
    expect(state).toMatchObject({ lastAppliedRevision: REV1, lastAppliedDeploymentId: deployment.id });
    expect(state?.lock).toBeUndefined();
  });

  it('ends FAILED with the failing resources and their reasons, and releases the lock', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const failure = {
      logicalId: 'Queue',
      status: 'CREATE_FAILED',
      reason: 'Resource handler returned message: "Access denied"',
      at: p.clock.iso(),
    };
    const status = p.stacks.finish(STACK, 'rollback', [failure]);
    const result = await closeOnStackEvent(p.deps, {
      stackId: p.stacks.stackId(STACK),
      status,
      clientRequestToken: deployment.id,
    });
    expect(result).toMatchObject({
      outcome: 'closed',
      deployment: {
        status: DeploymentStatus.FAILED,
        reason: {
          code: ReasonCode.ROLLED_BACK,
          details: [{ logicalId: 'Queue', status: 'CREATE_FAILED', reason: failure.reason }],
        },
      },
    });
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    expect((await p.store.getStackState(KEY))?.lastAppliedRevision).toBeUndefined();
  });

  it('never closes a deployment from a stack status without its token (another operation ended)', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const status = p.stacks.finish(STACK, 'success');
    expect(await closeOnStackEvent(p.deps, { stackId: p.stacks.stackId(STACK), status })).toMatchObject({
      outcome: 'ignored',
    });
    const other = { stackId: p.stacks.stackId(STACK), status, clientRequestToken: 'Console-UpdateStack-1' };
    expect(await closeOnStackEvent(p.deps, other)).toMatchObject({ outcome: 'ignored' });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
  });

  it('ignores a token of a deployment of another stack', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const status = p.stacks.finish(STACK, 'success');
    const result = await closeOnStackEvent(p.deps, {
      stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/other/1',
      status,
      clientRequestToken: deployment.id,
    });
    expect(result.outcome).toBe('ignored');
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
  });

  it('releases the lock on a redelivered event when the closer died before releasing it', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const status = p.stacks.finish(STACK, 'success');
    // What a stack-events function that died right after the SUCCEEDED write leaves behind.
    await p.store.recordApplied(KEY, REV1, deployment.id, p.clock.iso());
    await p.store.transition(
      deployment.id,
      'EXECUTING',
      { status: 'SUCCEEDED', updatedAt: p.clock.iso() },
      { subject: `deployment#${deployment.id}`, action: 'succeeded', actor: 'test', at: p.clock.iso() },
    );
    expect((await p.store.getStackState(KEY))?.lock?.owner).toBe(deployment.id);
    const event = { stackId: p.stacks.stackId(STACK), status, clientRequestToken: deployment.id };
    expect(await closeOnStackEvent(p.deps, event)).toMatchObject({ outcome: 'ignored' });
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
  });

  it('ignores a status that is not the end of an operation', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const result = await closeOnStackEvent(p.deps, {
      stackId: p.stacks.stackId(STACK),
      status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      clientRequestToken: deployment.id,
    });
    expect(result.outcome).toBe('ignored');
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
  });

  it('ignores a duplicated event after the deployment finished', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const event = {
      stackId: p.stacks.stackId(STACK),
      status: p.stacks.finish(STACK, 'success'),
      clientRequestToken: deployment.id,
    };
    await closeOnStackEvent(p.deps, event);
    const notified = p.notifier.sent.length;
    expect(await closeOnStackEvent(p.deps, event)).toMatchObject({ outcome: 'ignored' });
    expect(p.notifier.sent).toHaveLength(notified);
  });

  it('ignores events of stacks Converge is not executing', async () => {
    const p = pipeline();
    const result = await closeOnStackEvent(p.deps, {
      stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/other/1',
      status: 'UPDATE_COMPLETE',
    });
    expect(result.outcome).toBe('ignored');
  });
});
