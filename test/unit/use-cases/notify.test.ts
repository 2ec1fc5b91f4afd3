import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { notify } from '../../../shared/use-cases/deployment/notify.ts';
import { overriding } from '../../support/overriding-store.ts';
import { awaitingApproval, pipeline } from './pipeline-fixture.ts';

/** A pipeline with a deployment awaiting approval whose message was never posted. */
async function unposted() {
  const p = pipeline();
  const deployment = await awaitingApproval(p);
  const { notifications: _posted, ...rest } = deployment;
  return { p, deployment: rest };
}

describe('notify', () => {
  it('saves where the message went without touching the status, even when the deployment moved on', async () => {
    const { p, deployment } = await unposted();
    // Another writer ends the deployment after this caller read it.
    await p.store.transition(
      deployment.id,
      DeploymentStatus.AWAITING_APPROVAL,
      { status: DeploymentStatus.REJECTED, updatedAt: p.clock.iso() },
      { subject: `deployment#${deployment.id}`, action: 'rejected', actor: 'github:bob', at: p.clock.iso() },
    );

    const stored = await notify(p.deps, deployment, { event: 'approval requested' });

    expect(stored).toMatchObject({
      status: DeploymentStatus.REJECTED,
      notifications: { memory: { message: deployment.id } },
    });
    expect(await p.store.getDeployment(deployment.id)).toEqual(stored);
    const trail = await p.store.listAudit(`deployment#${deployment.id}`);
    expect(trail.at(-1)).toMatchObject({ action: 'notified', data: { channels: ['memory'] } });
  });

  it('throws when the refs cannot be saved, instead of hiding it', async () => {
    const { p, deployment } = await unposted();
    const failure = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    p.deps.store = overriding(p.store, {
      async saveNotifications() {
        throw failure;
      },
    });
    await expect(notify(p.deps, deployment, { event: 'approval requested' })).rejects.toBe(failure);
  });
});
