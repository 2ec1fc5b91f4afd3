import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
import {
  type ReconcileDeps,
  type ReconcileResult,
  reconcileDeployments,
} from '../../shared/use-cases/reconcile-deployments.ts';

/** On a schedule: closes executions whose stack event was lost and expires unanswered approval requests. */
export function reconcileHandler(deps: ReconcileDeps) {
  return function handleSchedule(_event: ScheduledEvent): Promise<ReconcileResult> {
    return reconcileDeployments(deps);
  };
}

export const handler = middy(reconcileHandler(deps())).use(standardMiddleware({ functionName: 'reconcile' }));
