import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DriftRecord } from '../domain/drift/drift-sweep.ts';
import type { DriftNotifier } from '../ports/drift-notifier.ts';
import { metrics as defaultMetrics, emitMetric, MetricName } from './observability.ts';

/**
 * Counts drift for the dashboard and the DriftFound alarm: one `DriftDetected` per stack a sweep
 * found drifted (after ignore rules), then hands the record to `next` (Slack).
 */
export function driftMetricsNotifier(next: DriftNotifier, target: Metrics = defaultMetrics): DriftNotifier {
  return {
    async driftFound(record: DriftRecord) {
      if (record.report.detectionStatus === 'DETECTION_COMPLETE') {
        emitMetric(MetricName.DRIFT_DETECTED, 1, {}, target);
      }
      return next.driftFound(record);
    },
  };
}
