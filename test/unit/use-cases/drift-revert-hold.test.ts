import { describe, expect, it } from 'vitest';
import { sweepDrift } from '../../../shared/use-cases/drift/sweep-drift.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { deadlineIn, driftWorld, keyOf, QUEUE_DRIFT } from './drift-fixture.ts';

const HOUR = 3_600_000;

describe('drift reverts on a suspended stack', () => {
  it('holds a revert-auto: approved by policy, it does not execute while the stack is suspended', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert-auto }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    const at = new Date(world.clock.now()).toISOString();
    await world.store.setSuspension(
      keyOf('app-000'),
      { by: 'cli:carol', at, reason: 'INC-42' },
      { subject: `stack#${keyOf('app-000')}`, action: 'suspended', actor: 'cli:carol', at },
    );

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });
    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.action).toBe('auto-revert');

    const result = await executeDeployment(
      { ...world.deps, settings: { ...world.deps.settings, lockLeaseMs: HOUR } },
      { deploymentId: record!.deploymentId! },
    );
    expect(result).toMatchObject({ outcome: 'held', hold: { kind: 'suspended' } });
    expect((await world.store.getDeployment(record!.deploymentId!))?.status).toBe('APPROVED');
  });
});
