import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type DriftSweepEvent, driftSweepHandler } from '../../../functions/drift-sweep/handler.ts';
import { driftWorld, keyOf, QUEUE_DRIFT } from './drift-fixture.ts';

/** A Lambda context whose remaining time follows the fixture's clock. */
function lambdaContext(now: () => number, budgetMs: number): Context {
  const deadline = now() + budgetMs;
  return {
    awsRequestId: 'request-1',
    getRemainingTimeInMillis: () => deadline - now(),
  } as unknown as Context;
}

const schedule = {
  version: '0',
  id: 'e1',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '123456789012',
  time: '2026-03-01T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
} as DriftSweepEvent;

function detectionEvent(detail: Record<string, unknown>): DriftSweepEvent {
  return {
    ...schedule,
    'detail-type': 'CloudFormation Drift Detection Status Change',
    source: 'aws.cloudformation',
    detail,
  } as DriftSweepEvent;
}

describe('driftSweepHandler', () => {
  it.each(['Scheduled Event', 'Converge Drift Sweep'])(
    'sweeps on its schedule (%s), within the invocation time left',
    async (detailType) => {
      const world = await driftWorld({ 'app-000': '{ mode: report }' });
      world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
      const event = { ...schedule, 'detail-type': detailType } as DriftSweepEvent;

      const result = await driftSweepHandler(world.deps)(
        event,
        lambdaContext(() => world.clock.now(), 600_000),
      );

      expect(result).toMatchObject({ kind: 'sweep', finished: true, counts: { done: 1 } });
      expect(world.driftNotifier.sent).toHaveLength(1);
    },
  );

  it('finishes the detection a drift detection status change event names', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });
    world.stacks.pollsToComplete = 100;
    const handle = driftSweepHandler(world.deps);
    const sweep = await handle(
      schedule,
      lambdaContext(() => world.clock.now(), 2_000),
    );
    const stack = await world.drift.getSweepStack((sweep as { sweepId: string }).sweepId, keyOf('app-000'));
    world.stacks.pollsToComplete = 0;

    const result = await handle(
      detectionEvent({
        'stack-id': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app-000/1',
        'stack-drift-detection-id': stack?.detectionId,
        'status-details': { 'stack-drift-status': 'IN_SYNC', 'detection-status': 'DETECTION_COMPLETE' },
      }),
      lambdaContext(() => world.clock.now(), 600_000),
    );

    expect(result).toMatchObject({ kind: 'detection', outcome: 'settled', record: { action: 'none' } });
  });

  it('ignores a drift event without a detection id, and starts nothing', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });

    const result = await driftSweepHandler(world.deps)(
      detectionEvent({ 'stack-id': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app-000/1' }),
      lambdaContext(() => world.clock.now(), 600_000),
    );

    expect(result).toMatchObject({ kind: 'ignored' });
    expect(world.stacks.detectCalls).toBe(0);
  });

  it('ignores events it is not subscribed to', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });
    const other = {
      ...schedule,
      'detail-type': 'CloudFormation Stack Status Change',
    } as unknown as DriftSweepEvent;

    const result = await driftSweepHandler(world.deps)(
      other,
      lambdaContext(() => world.clock.now(), 600_000),
    );

    expect(result).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('Stack Status Change') });
    expect(await world.drift.listSweeps()).toEqual([]);
  });
});
