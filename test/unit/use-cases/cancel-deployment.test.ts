import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { DeploymentNotFoundError } from '../../../shared/ports/store-errors.ts';
import { cancelDeployment } from '../../../shared/use-cases/approval/cancel-deployment.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { APPROVER, type ControlPipeline, controlPipeline, ended, snapshot } from './control-fixture.ts';
import { approved, awaitingApproval, CONVERGE_TAGS, executing, STACK } from './pipeline-fixture.ts';

/** An approved deployment whose execution is queued but has not started. */
async function approvedNotStarted(p: ControlPipeline): Promise<Deployment> {
  p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
  return approved(p);
}

describe('cancelDeployment', () => {
  it('rejects a deployment awaiting approval as a Slack Reject does: vote, audit, change set deleted, people told', async () => {
    const p = controlPipeline();
    const deployment = await awaitingApproval(p);

    const result = await cancelDeployment(p.deps, {
      deploymentId: deployment.id,
      requestedBy: APPROVER,
      reason: 'wrong subnet',
    });

    expect(result).toMatchObject({ outcome: 'cancelled', deployment: { status: DeploymentStatus.REJECTED } });
    expect(await p.store.listApprovals(deployment.id)).toEqual([
      expect.objectContaining({
        approver: APPROVER,
        decision: 'reject',
        via: 'cli',
        comment: 'wrong subnet',
      }),
    ]);
    expect((await p.store.listAudit(`deployment#${deployment.id}`)).map((a) => a.action)).toContain(
      'rejected',
    );
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
    expect(p.notifier.sent.at(-1)?.deployment.status).toBe(DeploymentStatus.REJECTED);
  });

  it('refuses someone who may not approve the stack, and writes nothing', async () => {
    const p = controlPipeline();
    const deployment = await awaitingApproval(p);
    const before = await snapshot(p, deployment.id);

    const result = await cancelDeployment(p.deps, {
      deploymentId: deployment.id,
      requestedBy: 'cli:mallory',
    });

    expect(result).toMatchObject({ outcome: 'refused', code: 'NotAnApprover' });
    expect(await snapshot(p, deployment.id)).toEqual(before);
  });

  it('ends an approved deployment REJECTED before it executes, and the execution then finds nothing to run', async () => {
    const p = controlPipeline();
    const deployment = await approvedNotStarted(p);
    expect(deployment.status).toBe(DeploymentStatus.APPROVED);

    const result = await cancelDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

    expect(result).toMatchObject({
      outcome: 'cancelled',
      deployment: {
        status: DeploymentStatus.REJECTED,
        reason: { message: expect.stringContaining(APPROVER) },
      },
    });
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
    expect((await p.store.listAudit(`deployment#${deployment.id}`)).at(-1)).toMatchObject({
      action: 'cancelled',
      actor: APPROVER,
    });
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'skipped',
    });
    expect(p.stacks.executed).toEqual([]);
  });

  it('refuses once the execution started first: CloudFormation is running it', async () => {
    const p = controlPipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const deployment = await executing(p);
    const before = await snapshot(p, deployment.id);

    const result = await cancelDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

    expect(result).toMatchObject({
      outcome: 'refused',
      code: 'Executing',
      message: expect.stringContaining('CloudFormation is running it'),
    });
    expect(await snapshot(p, deployment.id)).toEqual(before);
  });

  it('lets exactly one of a cancel and the start of the execution win when both run at once', async () => {
    const winners = new Set<string>();
    for (let head = 0; head < 40; head += 2) {
      const p = controlPipeline();
      const deployment = await approvedNotStarted(p);
      // The execution gets `head` turns of the event loop before the cancel starts.
      const execution = executeDeployment(p.deps, { deploymentId: deployment.id }).catch(
        (error: Error) => error,
      );
      for (let turn = 0; turn < head; turn++) await Promise.resolve();
      const cancel = await cancelDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });
      await execution;
      const final = await p.store.getDeployment(deployment.id);
      winners.add(final?.status ?? 'missing');
      if (cancel.outcome === 'cancelled') {
        expect(final?.status).toBe(DeploymentStatus.REJECTED);
        expect(p.stacks.executed).toEqual([]);
      } else {
        expect(final?.status).toBe(DeploymentStatus.EXECUTING);
        expect(p.stacks.executed).toHaveLength(1);
        expect(p.stacks.deleted).toEqual([]);
      }
    }
    // Both orders were tried: some rounds the cancel won, some the execution did.
    expect([...winners].sort()).toEqual([DeploymentStatus.EXECUTING, DeploymentStatus.REJECTED]);
  });

  it('refuses a deployment still planning and says to cancel it once it awaits approval', async () => {
    const p = controlPipeline();
    const waiting = await awaitingApproval(p);
    const planning: Deployment = {
      ...waiting,
      id: `${waiting.id.slice(0, -1)}Z`,
      status: DeploymentStatus.PLANNING,
      version: 0,
    };
    await p.store.createDeployment(planning, {
      subject: `deployment#${planning.id}`,
      action: 'planning',
      actor: 'system:plan',
      at: p.clock.iso(),
    });
    const before = await snapshot(p, planning.id);

    const result = await cancelDeployment(p.deps, { deploymentId: planning.id, requestedBy: APPROVER });

    expect(result).toMatchObject({
      outcome: 'refused',
      code: 'StillPlanning',
      message: expect.stringContaining('awaits approval'),
    });
    expect(await snapshot(p, planning.id)).toEqual(before);
  });

  it.each(['FAILED', 'EXPIRED', 'REJECTED', 'SUCCEEDED'] as const)(
    'refuses a %s deployment: nothing to cancel',
    async (status) => {
      const p = controlPipeline();
      const deployment = await ended(p, status);
      const before = await snapshot(p, deployment.id);

      const result = await cancelDeployment(p.deps, { deploymentId: deployment.id, requestedBy: APPROVER });

      expect(result).toMatchObject({
        outcome: 'refused',
        code: 'Finished',
        message: expect.stringContaining(status),
      });
      expect(await snapshot(p, deployment.id)).toEqual(before);
    },
  );

  it('throws DeploymentNotFoundError for an unknown id', async () => {
    const p = controlPipeline();
    await expect(
      cancelDeployment(p.deps, { deploymentId: '01NOSUCHDEPLOYMENT0000000', requestedBy: APPROVER }),
    ).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });
});
