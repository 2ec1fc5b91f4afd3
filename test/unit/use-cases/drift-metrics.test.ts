import { describe, expect, it } from 'vitest';
import { MemoryDriftNotifier } from '../../../shared/adapters/memory/memory-drift-notifier.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import type { DriftRecord } from '../../../shared/domain/drift/drift-sweep.ts';
import { driftMetricsNotifier } from '../../../shared/runtime/drift-metrics-notifier.ts';
import { metricsChannel } from '../../../shared/runtime/metrics-channel.ts';
import { createMetrics } from '../../../shared/runtime/observability.ts';
import { captureOutput, jsonLines } from '../runtime/capture-output.ts';

const record = {
  stackKey: 'default/eu-west-1/app',
  action: 'report',
  report: { detectionStatus: 'DETECTION_COMPLETE' },
} as DriftRecord;

const revert: Deployment = {
  id: '01KDXABCDEFGHJKMNPQRSTVWXY',
  kind: 'revert-drift',
  stack: { stackName: 'app', region: 'eu-west-1' },
  stackKey: 'default/eu-west-1/app',
  repository: 'acme/infra',
  revision: 'a1'.repeat(20),
  status: 'SUCCEEDED',
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:05:00.000Z',
  version: 4,
};

describe('drift metrics', () => {
  it('counts a drifted stack and still hands the record on', async () => {
    const metrics = createMetrics();
    const next = new MemoryDriftNotifier();
    const output = await captureOutput(async () => {
      await driftMetricsNotifier(next, metrics).driftFound(record);
      metrics.publishStoredMetrics();
    });

    expect(jsonLines(output)).toContainEqual(expect.objectContaining({ DriftDetected: 1 }));
    expect(next.sent).toHaveLength(1);
  });

  it('does not count a failed detection as drift', async () => {
    const metrics = createMetrics();
    const failed = { ...record, report: { detectionStatus: 'DETECTION_FAILED' } } as DriftRecord;
    const output = await captureOutput(async () => {
      await driftMetricsNotifier(new MemoryDriftNotifier(), metrics).driftFound(failed);
      metrics.publishStoredMetrics();
    });

    expect(jsonLines(output)).not.toContainEqual(expect.objectContaining({ DriftDetected: 1 }));
  });

  it('counts a drift revert that succeeded as reverted', async () => {
    const metrics = createMetrics();
    const output = await captureOutput(async () => {
      await metricsChannel(metrics).deploymentChanged(revert, { event: 'succeeded' }, undefined);
      metrics.publishStoredMetrics();
    });

    expect(jsonLines(output)).toContainEqual(expect.objectContaining({ DriftReverted: 1 }));
  });
});
