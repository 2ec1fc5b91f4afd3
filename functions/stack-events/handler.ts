import type { EventBridgeEvent } from 'aws-lambda';
import { toStackStatus } from '../../shared/domain/stack/stack-statuses.ts';
import type { CloseDeps } from '../../shared/use-cases/execution/close-execution.ts';
import {
  closeOnStackEvent,
  type StackEventResult,
} from '../../shared/use-cases/execution/close-on-stack-event.ts';

/** The `detail` of a "CloudFormation Stack Status Change" event (CloudFormation User Guide, events detail reference). */
export interface StackStatusChangeDetail {
  readonly 'stack-id'?: string;
  readonly 'status-details'?: { readonly status?: string; readonly 'status-reason'?: string };
  readonly 'client-request-token'?: string;
}

export type StackStatusChangeEvent = EventBridgeEvent<
  'CloudFormation Stack Status Change',
  StackStatusChangeDetail
>;

/** Closes the executing deployment a CloudFormation stack status event belongs to. */
export function stackEventsHandler(deps: CloseDeps) {
  return async function handleStackStatusChange(event: StackStatusChangeEvent): Promise<StackEventResult> {
    const stackId = event.detail?.['stack-id'];
    const status = event.detail?.['status-details']?.status;
    if (event['detail-type'] !== 'CloudFormation Stack Status Change' || !stackId || !status) {
      return { outcome: 'ignored', reason: `not a stack status change (${event['detail-type']})` };
    }
    return closeOnStackEvent(deps, {
      stackId,
      status: toStackStatus(status),
      statusReason: event.detail['status-details']?.['status-reason'],
      clientRequestToken: event.detail['client-request-token'],
    });
  };
}
