import { describe, expect, it } from 'vitest';
import { driftDetectionChanged } from '../../../shared/use-cases/drift/drift-detection-changed.ts';
import { settleDriftDetection } from '../../../shared/use-cases/drift/settle-drift-detection.ts';
import { sweepDrift } from '../../../shared/use-cases/drift/sweep-drift.ts';
import { deadlineIn, driftWorld, keyOf, QUEUE_DRIFT } from './drift-fixture.ts';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app-000/1';

/** A sweep of one drifted stack that ran out of time while its detection was still running. */
async function detectionLeftRunning() {
  const world = await driftWorld({ 'app-000': '{ mode: report }' });
  world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
  world.stacks.pollsToComplete = 3;
  const sweep = await sweepDrift(world.deps, {
    requestedBy: 'system:schedule',
    owner: 'inv-1',
    remainingMs: deadlineIn(world.clock, 2_500),
  });
  const stack = await world.drift.getSweepStack(sweep.sweepId, keyOf('app-000'));
  world.stacks.pollsToComplete = 0;
  return { world, sweep, detectionId: stack!.detectionId! };
}

describe('driftDetectionChanged', () => {
  it('finishes the detection its event names: records the drift and tells people', async () => {
    const { world, detectionId } = await detectionLeftRunning();

    const result = await driftDetectionChanged(world.deps, {
      stackId: STACK_ID,
      detectionId,
      detectionStatus: 'DETECTION_COMPLETE',
    });

    expect(result).toMatchObject({ outcome: 'settled', record: { action: 'report', detectionId } });
    expect(world.driftNotifier.sent).toHaveLength(1);
  });

  it('does nothing more for a repeated event', async () => {
    const { world, detectionId } = await detectionLeftRunning();
    const event = { stackId: STACK_ID, detectionId, detectionStatus: 'DETECTION_COMPLETE' } as const;
    await driftDetectionChanged(world.deps, event);

    const again = await driftDetectionChanged(world.deps, event);

    expect(again).toMatchObject({ outcome: 'ignored' });
    expect(world.driftNotifier.sent).toHaveLength(1);
    expect(await world.drift.listDriftRecords(keyOf('app-000'))).toHaveLength(1);
  });

  it('waits for the end of a detection that is still in progress', async () => {
    const { world, detectionId } = await detectionLeftRunning();

    const result = await driftDetectionChanged(world.deps, {
      stackId: STACK_ID,
      detectionId,
      detectionStatus: 'DETECTION_IN_PROGRESS',
    });

    expect(result).toEqual({ outcome: 'running' });
    expect(world.driftNotifier.sent).toEqual([]);
  });

  it('ignores detections Converge did not start', async () => {
    const { world } = await detectionLeftRunning();

    const result = await driftDetectionChanged(world.deps, {
      stackId: STACK_ID,
      detectionId: 'started-from-the-console',
      detectionStatus: 'DETECTION_COMPLETE',
    });

    expect(result).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('not started by a Converge sweep'),
    });
  });

  it('lets the next scheduled run close a sweep its events settled and start a new one', async () => {
    const { world, sweep, detectionId } = await detectionLeftRunning();
    await driftDetectionChanged(world.deps, {
      stackId: STACK_ID,
      detectionId,
      detectionStatus: 'DETECTION_COMPLETE',
    });

    const next = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-2',
      remainingMs: deadlineIn(world.clock, 3_600_000),
    });

    expect(next.sweepId).not.toBe(sweep.sweepId);
    expect(next.created).toBe(true);
    expect((await world.drift.getSweep(sweep.sweepId))?.finishedAt).toBeDefined();
  });
});

describe('two invocations finishing one detection', () => {
  it('a late one never overwrites the decision of the one that settled it, even while its revert runs', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert-auto }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    world.stacks.pollsToComplete = 3;
    const sweep = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, 2_500),
    });
    // The late invocation (the sweep's own poll) read the stack while it was still detecting.
    const seen = (await world.drift.getSweepStack(sweep.sweepId, keyOf('app-000')))!;
    world.stacks.pollsToComplete = 0;
    const first = await driftDetectionChanged(world.deps, {
      stackId: STACK_ID,
      detectionId: seen.detectionId!,
      detectionStatus: 'DETECTION_COMPLETE',
    });
    expect(first).toMatchObject({ outcome: 'settled', record: { action: 'auto-revert' } });
    const revertId = first.outcome === 'settled' ? first.record.deploymentId! : '';
    // The revert is executing: it holds the stack lock.
    expect(await world.deps.store.acquireLock(keyOf('app-000'), revertId, world.clock.now(), 600_000)).toBe(
      true,
    );

    const told = world.driftNotifier.sent.length;
    let stale = true;
    const drift = new Proxy(world.drift, {
      get(target, property) {
        if (property === 'getSweepStack' && stale) {
          stale = false;
          return async () => seen;
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const late = await settleDriftDetection(
      { ...world.deps, drift },
      { sweepId: sweep.sweepId, stackKey: keyOf('app-000') },
    );

    expect(late.outcome).not.toBe('settled');
    const [record] = await world.drift.listDriftRecords(keyOf('app-000'), { limit: 1 });
    expect(record).toMatchObject({ action: 'auto-revert', deploymentId: revertId });
    expect(world.driftNotifier.sent).toHaveLength(told);
  });
});
