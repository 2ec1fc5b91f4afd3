import type { Context, EventBridgeEvent } from 'aws-lambda';
import { toDriftDetectionStatus } from '../../shared/domain/stack/stack-statuses.ts';
import { driftDetectionChanged } from '../../shared/use-cases/drift/drift-detection-changed.ts';
import type { SettleDriftResult } from '../../shared/use-cases/drift/settle-drift-detection.ts';
import {
  type SweepDriftDeps,
  type SweepDriftResult,
  sweepDrift,
} from '../../shared/use-cases/drift/sweep-drift.ts';

/** The `detail` of a "CloudFormation Drift Detection Status Change" event (CloudFormation User Guide). */
export interface DriftDetectionStatusChangeDetail {
  readonly 'stack-id'?: string;
  readonly 'stack-drift-detection-id'?: string;
  readonly 'status-details'?: {
    readonly 'stack-drift-status'?: string;
    readonly 'detection-status'?: string;
  };
}

/** What the schedule that starts a sweep sends (the stateless stack's schedule; the local host sends the same). */
const SCHEDULED_EVENT = 'Scheduled Event';

export type DriftSweepEvent =
  | EventBridgeEvent<typeof SCHEDULED_EVENT, unknown>
  | EventBridgeEvent<'CloudFormation Drift Detection Status Change', DriftDetectionStatusChangeDetail>;

export type DriftSweepHandlerResult =
  | ({ readonly kind: 'sweep' } & SweepDriftResult)
  | ({ readonly kind: 'detection' } & SettleDriftResult)
  | { readonly kind: 'ignored'; readonly reason: string };

/**
 * The drift function: on its schedule it sweeps (continuing an unfinished sweep first), and on a
 * "CloudFormation Drift Detection Status Change" event it settles the detection the event names.
 */
export function driftSweepHandler(deps: SweepDriftDeps) {
  return async function handleDriftEvent(
    event: DriftSweepEvent,
    context: Context,
  ): Promise<DriftSweepHandlerResult> {
    if (event['detail-type'] === 'CloudFormation Drift Detection Status Change') {
      const detail = event.detail as DriftDetectionStatusChangeDetail | undefined;
      const stackId = detail?.['stack-id'];
      const detectionId = detail?.['stack-drift-detection-id'];
      const detectionStatus = detail?.['status-details']?.['detection-status'];
      if (!stackId || !detectionId || !detectionStatus) {
        return { kind: 'ignored', reason: 'drift detection event without stack, detection id or status' };
      }
      return {
        kind: 'detection',
        ...(await driftDetectionChanged(deps, {
          stackId,
          detectionId,
          detectionStatus: toDriftDetectionStatus(detectionStatus),
        })),
      };
    }
    if (event['detail-type'] !== SCHEDULED_EVENT) {
      return {
        kind: 'ignored',
        reason: `not a schedule or drift detection event (${String(event['detail-type'])})`,
      };
    }
    const result = await sweepDrift(deps, {
      requestedBy: 'system:schedule',
      owner: context.awsRequestId,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    return { kind: 'sweep', ...result };
  };
}
