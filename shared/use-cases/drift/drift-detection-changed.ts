import {
  type SettleDriftDeps,
  type SettleDriftResult,
  settleDriftDetection,
} from './settle-drift-detection.ts';

/**
 * A "CloudFormation Drift Detection Status Change" event, reduced to what Converge reads
 * (`detail.stack-id`, `detail.stack-drift-detection-id`, `detail.status-details.detection-status`).
 */
export interface DriftDetectionStatusChange {
  readonly stackId: string;
  readonly detectionId: string;
  /** DETECTION_IN_PROGRESS | DETECTION_COMPLETE | DETECTION_FAILED */
  readonly detectionStatus: string;
}

/**
 * Finishes the sweep's detection an event is about, as soon as CloudFormation says it ended.
 * Idempotent: events for detections Converge did not start (the console, another tool), for
 * detections still running, repeated or late ones change nothing.
 *
 * @example
 * await driftDetectionChanged(deps, { stackId, detectionId, detectionStatus: 'DETECTION_COMPLETE' });
 */
export async function driftDetectionChanged(
  deps: SettleDriftDeps,
  event: DriftDetectionStatusChange,
): Promise<SettleDriftResult> {
  // Only an ended detection has a result to read.
  if (event.detectionStatus === 'DETECTION_IN_PROGRESS') return { outcome: 'running' };

  // Only detections a sweep started are Converge's to act on.
  const found = await deps.drift.findDetection(event.detectionId);
  if (!found) {
    return {
      outcome: 'ignored',
      reason: `detection ${event.detectionId} was not started by a Converge sweep`,
    };
  }
  return settleDriftDetection(deps, found);
}
