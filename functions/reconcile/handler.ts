import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
import type { CloseDeps } from '../../shared/use-cases/close-execution.ts';
import { type ReconcileResult, reconcileDeployments } from '../../shared/use-cases/reconcile-deployments.ts';

/** On a schedule: closes executions whose stack event was lost and expires unanswered approval requests. */
export function reconcileHandler(deps: CloseDeps) {
  return function handleSchedule(_event: ScheduledEvent): Promise<ReconcileResult> {
    return reconcileDeployments(deps);
  };
}

export const handler = middy(reconcileHandler(deps())).use(standardMiddleware({ functionName: 'reconcile' }));
