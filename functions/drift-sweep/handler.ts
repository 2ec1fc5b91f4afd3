import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
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

/** Schedules that start a sweep: EventBridge Scheduler's (in AWS) and the local host's. */
const SCHEDULES = new Set(['Scheduled Event', 'Converge Drift Sweep']);

export type DriftSweepEvent =
  | EventBridgeEvent<'Scheduled Event' | 'Converge Drift Sweep', unknown>
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
        ...(await driftDetectionChanged(deps, { stackId, detectionId, detectionStatus })),
      };
    }
    if (!SCHEDULES.has(event['detail-type'])) {
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

export const handler = middy(driftSweepHandler(deps())).use(
  standardMiddleware({ functionName: 'drift-sweep' }),
);
