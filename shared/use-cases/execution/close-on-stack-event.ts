import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus, isTerminal } from '../../domain/deployment/deployment-status.ts';
import { operationOutcome } from '../../domain/stack/stack-statuses.ts';
import type { StackStatus } from '../../ports/stacks.ts';
import { type CloseDeps, closeExecution } from './close-execution.ts';

/**
 * A "CloudFormation Stack Status Change" event, reduced to what Converge reads
 * (`detail.stack-id`, `detail.status-details.status` / `status-reason`, `detail.client-request-token`).
 */
export interface StackStatusChange {
  /** The stack ARN: `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
  readonly stackId: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  /** The ClientRequestToken of the operation: Converge passes the deployment id. */
  readonly clientRequestToken?: string;
}

export type StackEventResult =
  | { readonly outcome: 'closed'; readonly deployment: Deployment }
  | { readonly outcome: 'ignored'; readonly reason: string };

/**
 * Closes the EXECUTING deployment a stack status event belongs to. Only an event carrying the
 * deployment's ClientRequestToken (Converge passes the deployment id) is evidence that its change
 * set ran; a status without the token (another operation, a console update) never closes one.
 * Idempotent: events that are not terminal, late, duplicated or not Converge's are ignored.
 */
export async function closeOnStackEvent(
  deps: CloseDeps,
  event: StackStatusChange,
): Promise<StackEventResult> {
  const { store } = deps;

  // Only the end of an operation matters.
  const outcome = operationOutcome(event.status);
  if (!outcome) return { outcome: 'ignored', reason: `${event.status} is not terminal` };

  // Match the event to its deployment by token, and only on the same stack.
  const { stackName, region, account } = parseStackId(event.stackId);
  if (!event.clientRequestToken) {
    return { outcome: 'ignored', reason: `${event.status} of ${stackName} carries no ClientRequestToken` };
  }
  const deployment = await store.getDeployment(event.clientRequestToken);
  // A stack in a target account is only closed by its own account's events (forwarded to Converge's bus).
  if (
    !deployment ||
    deployment.stack.stackName !== stackName ||
    deployment.stack.region !== region ||
    (deployment.stack.account !== undefined && deployment.stack.account !== account)
  ) {
    return {
      outcome: 'ignored',
      reason: `no deployment of ${stackName} has token ${event.clientRequestToken}`,
    };
  }
  if (deployment.status !== DeploymentStatus.EXECUTING) {
    // A redelivery after it closed: make sure a closer that died before releasing the lock is undone.
    if (isTerminal(deployment.status)) await store.releaseLock(deployment.stackKey, deployment.id);
    return { outcome: 'ignored', reason: `deployment is ${deployment.status}` };
  }

  // Close it: SUCCEEDED or FAILED with the failing resources; release the lock; notify.
  const closed = await closeExecution(
    deps,
    deployment,
    {
      // A deletion succeeds on DELETE_COMPLETE, which ends any other operation as a failure.
      succeeded:
        deployment.kind === DeploymentKind.DELETE
          ? event.status === 'DELETE_COMPLETE'
          : outcome === 'succeeded',
      stackStatus: event.status,
      statusReason: event.statusReason,
    },
    'system:stack-events',
  );
  return closed
    ? { outcome: 'closed', deployment: closed }
    : { outcome: 'ignored', reason: 'already finished' };
}

/** Stack name, region and account from a stack ARN (or a bare stack name, region and account unknown). */
export function parseStackId(stackId: string): { stackName: string; region: string; account: string } {
  const parts = stackId.split(':');
  if (parts.length < 6) return { stackName: stackId, region: '', account: '' };
  const [, name = ''] = (parts[5] ?? '').split('/');
  return { stackName: name, region: parts[3] ?? '', account: parts[4] ?? '' };
}
