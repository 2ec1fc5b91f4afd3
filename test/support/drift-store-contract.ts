import { beforeEach, describe, expect, it } from 'vitest';
import type { DriftRecord, DriftSweep, SweepStack } from '../../shared/domain/drift/drift-sweep.ts';
import type { DriftStore } from '../../shared/ports/drift-store.ts';

const NOW = Date.parse('2026-03-01T09:00:00.000Z');

export function aSweep(id: string, overrides: Partial<DriftSweep> = {}): DriftSweep {
  return {
    id,
    startedAt: new Date(NOW).toISOString(),
    requestedBy: 'system:schedule',
    total: 3,
    maxConcurrency: 2,
    inFlight: 0,
    ...overrides,
  };
}

export function aSweepStack(sweepId: string, name: string): SweepStack {
  return {
    sweepId,
    stackKey: `default/eu-west-1/${name}`,
    stack: { stackName: name, region: 'eu-west-1' },
    repository: 'acme/infrastructure',
    revision: 'a1'.repeat(20),
    state: 'pending',
  };
}

function aRecord(
  sweepId: string,
  detectionId: string,
  action: DriftRecord['action'] = 'report',
): DriftRecord {
  const stackKey = 'default/eu-west-1/app-a';
  return {
    stackKey,
    sweepId,
    detectionId,
    repository: 'acme/infrastructure',
    revision: 'a1'.repeat(20),
    policy: { mode: 'report', ignore: [] },
    report: {
      stack: { stackName: 'app-a', region: 'eu-west-1' },
      stackKey,
      detectionId,
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: 'DRIFTED',
      detectedAt: new Date(NOW).toISOString(),
      resources: [
        {
          logicalId: 'Queue',
          resourceType: 'AWS::SQS::Queue',
          status: 'MODIFIED',
          differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '60', type: 'NOT_EQUAL' }],
        },
      ],
    },
    action,
    why: 'drifted',
    recordedAt: new Date(NOW).toISOString(),
  };
}

const A = 'default/eu-west-1/app-a';
const B = 'default/eu-west-1/app-b';
const C = 'default/eu-west-1/app-c';

/** The rules every DriftStore keeps: the memory and the DynamoDB adapters both pass them. */
export function driftStoreContract(name: string, makeStore: () => DriftStore | Promise<DriftStore>): void {
  describe(`${name} (DriftStore contract)`, () => {
    let drift: DriftStore;
    const SWEEP = '01KJGX0000000000000000000A';
    beforeEach(async () => {
      drift = await makeStore();
      await drift.createSweep(
        aSweep(SWEEP),
        ['app-a', 'app-b', 'app-c'].map((n) => aSweepStack(SWEEP, n)),
      );
    });

    it('creates a sweep once, with its stacks pending, and lists sweeps newest first', async () => {
      const later = '01KJGX0000000000000000000B';
      expect(await drift.createSweep(aSweep(SWEEP, { total: 9 }), [])).toBe(false);
      await drift.createSweep(aSweep(later), []);

      expect((await drift.listSweeps()).map((s) => s.id)).toEqual([later, SWEEP]);
      expect((await drift.listSweeps({ limit: 1 })).map((s) => s.id)).toEqual([later]);
      expect((await drift.getSweep(SWEEP))?.total).toBe(3);
      expect((await drift.listSweepStacks(SWEEP, 'pending')).map((s) => s.stackKey)).toEqual([A, B, C]);
    });

    it('claims a pending stack once and counts it in flight', async () => {
      expect(await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000)).toEqual({ claimed: true });
      expect(await drift.claimStack(SWEEP, A, 'inv-2', NOW, NOW + 60_000)).toEqual({
        claimed: false,
        why: 'taken',
      });

      expect(await drift.getSweepStack(SWEEP, A)).toMatchObject({ state: 'detecting', claimedBy: 'inv-1' });
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(1);
    });

    it('refuses a claim past maxConcurrency without changing the stack', async () => {
      await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000);
      await drift.claimStack(SWEEP, B, 'inv-1', NOW, NOW + 60_000);

      expect(await drift.claimStack(SWEEP, C, 'inv-2', NOW, NOW + 60_000)).toEqual({
        claimed: false,
        why: 'full',
      });
      expect(await drift.getSweepStack(SWEEP, C)).toMatchObject({ state: 'pending' });
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(2);
    });

    it('hands a claim without a detection id to another invocation only after it expired', async () => {
      await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000);

      expect((await drift.claimStack(SWEEP, A, 'inv-2', NOW + 59_999, NOW + 120_000)).claimed).toBe(false);
      expect(await drift.claimStack(SWEEP, A, 'inv-2', NOW + 60_000, NOW + 120_000)).toEqual({
        claimed: true,
      });
      expect(await drift.getSweepStack(SWEEP, A)).toMatchObject({ claimedBy: 'inv-2' });
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(1);
    });

    it('records a detection only for the invocation holding the claim, and finds it by id', async () => {
      await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000);

      expect(await drift.recordDetection(SWEEP, A, 'inv-2', 'det-1', '2026-03-01T09:00:01.000Z')).toBe(false);
      expect(await drift.recordDetection(SWEEP, A, 'inv-1', 'det-1', '2026-03-01T09:00:01.000Z')).toBe(true);
      expect(await drift.recordDetection(SWEEP, A, 'inv-1', 'det-2', '2026-03-01T09:00:02.000Z')).toBe(false);
      expect(await drift.findDetection('det-1')).toEqual({ sweepId: SWEEP, stackKey: A });
      expect(await drift.findDetection('det-2')).toBeUndefined();
    });

    it('settles a detecting stack once and frees its slot', async () => {
      await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000);
      await drift.recordDetection(SWEEP, A, 'inv-1', 'det-1', '2026-03-01T09:00:01.000Z');
      const outcome = {
        state: 'done',
        action: 'report',
        reason: 'drifted',
        finishedAt: '2026-03-01T09:01:00.000Z',
      } as const;

      expect(await drift.settleStack(SWEEP, A, { state: 'detecting', detectionId: 'det-9' }, outcome)).toBe(
        false,
      );
      expect(await drift.settleStack(SWEEP, A, { state: 'detecting', detectionId: 'det-1' }, outcome)).toBe(
        true,
      );
      expect(await drift.settleStack(SWEEP, A, { state: 'detecting', detectionId: 'det-1' }, outcome)).toBe(
        false,
      );
      expect(await drift.getSweepStack(SWEEP, A)).toMatchObject(outcome);
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(0);
    });

    it('settles a pending stack as skipped without touching the slots', async () => {
      const skipped = {
        state: 'skipped',
        action: 'skip',
        reason: 'busy',
        finishedAt: '2026-03-01T09:01:00.000Z',
      } as const;

      expect(await drift.settleStack(SWEEP, B, { state: 'pending' }, skipped)).toBe(true);
      expect((await drift.listSweepStacks(SWEEP, 'skipped')).map((s) => s.stackKey)).toEqual([B]);
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(0);
    });

    it('gives a claimed stack back to pending and frees its slot', async () => {
      await drift.claimStack(SWEEP, A, 'inv-1', NOW, NOW + 60_000);

      expect(await drift.releaseStack(SWEEP, A, 'inv-2')).toBe(false);
      expect(await drift.releaseStack(SWEEP, A, 'inv-1')).toBe(true);
      expect(await drift.getSweepStack(SWEEP, A)).toMatchObject({ state: 'pending' });
      expect((await drift.getSweep(SWEEP))?.inFlight).toBe(0);
    });

    it('finishes a sweep once', async () => {
      expect(await drift.closeSweep(SWEEP, '2026-03-01T10:00:00.000Z')).toBe(true);
      expect(await drift.closeSweep(SWEEP, '2026-03-01T11:00:00.000Z')).toBe(false);
      expect((await drift.getSweep(SWEEP))?.finishedAt).toBe('2026-03-01T10:00:00.000Z');
    });

    it('keeps one drift record per sweep and detection, newest sweep first', async () => {
      const later = '01KJGX0000000000000000000B';
      await drift.saveDriftRecord(aRecord(SWEEP, 'det-1'));
      await drift.saveDriftRecord(aRecord(later, 'det-2'));
      await drift.saveDriftRecord({ ...aRecord(SWEEP, 'det-1', 'propose-revert'), deploymentId: 'dep-1' });

      const records = await drift.listDriftRecords(A);

      expect(records.map((r) => [r.sweepId, r.action])).toEqual([
        [later, 'report'],
        [SWEEP, 'propose-revert'],
      ]);
      expect(records[1]?.report.resources[0]?.differences[0]).toEqual({
        path: '/VisibilityTimeout',
        expected: '30',
        actual: '60',
        type: 'NOT_EQUAL',
      });
      expect(await drift.listDriftRecords(A, { limit: 1 })).toHaveLength(1);
    });
  });
}
