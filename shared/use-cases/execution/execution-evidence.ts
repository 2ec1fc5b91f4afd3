import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { isInProgress, operationOutcome } from '../../domain/stack/stack-statuses.ts';
import { ChangeSetNotFoundError, ExecutionStatus, type Stacks } from '../../ports/stacks.ts';

/**
 * What CloudFormation says about the execution of one deployment's change set. Only `ran`
 * closes a deployment; `notStarted` may be executed again with the same token; `neverRuns`
 * fails it with the reason; `running` and `unknown` leave it EXECUTING.
 */
export type ExecutionEvidence =
  | {
      readonly kind: 'ran';
      readonly succeeded: boolean;
      /** The stack status the operation ended in, when its events say (else the change set's status). */
      readonly stackStatus: string;
      readonly statusReason?: string;
    }
  | { readonly kind: 'running' }
  | { readonly kind: 'notStarted' }
  | { readonly kind: 'neverRuns'; readonly code: ReasonCode; readonly message: string }
  | { readonly kind: 'unknown'; readonly message: string };

/**
 * Asks CloudFormation whether the deployment's own change set ran: its ExecutionStatus, and the
 * stack events carrying the deployment id as ClientRequestToken. The stack's current status is
 * never evidence: another operation (or none) may have put it there.
 */
export async function executionEvidence(stacks: Stacks, deployment: Deployment): Promise<ExecutionEvidence> {
  const changeSet = deployment.changeSet;
  if (!changeSet) {
    return {
      kind: 'neverRuns',
      code: ReasonCode.EXECUTION_FAILED,
      message: 'The deployment has no change set.',
    };
  }
  if (deployment.kind === DeploymentKind.DELETE) return deletionEvidence(stacks, deployment);
  try {
    // The operation's own events: all of them carry the token Converge passed (the deployment id).
    const operation = await stacks.operationStatus(deployment.stack, deployment.id);
    const ended = operation && operationOutcome(operation.status);
    if (operation && ended) {
      return { kind: 'ran', succeeded: ended === 'succeeded', ...toStatus(operation) };
    }

    // The change set's own execution status.
    let executionStatus: string | undefined;
    try {
      executionStatus = (await stacks.describeChangeSet(deployment.stack, changeSet.id)).executionStatus;
    } catch (error) {
      if (!(error instanceof ChangeSetNotFoundError)) throw error;
    }
    switch (executionStatus) {
      case ExecutionStatus.EXECUTE_COMPLETE:
        return { kind: 'ran', succeeded: true, stackStatus: executionStatus };
      case ExecutionStatus.EXECUTE_FAILED:
        return { kind: 'ran', succeeded: false, stackStatus: executionStatus };
      case ExecutionStatus.EXECUTE_IN_PROGRESS:
        return { kind: 'running' };
      case ExecutionStatus.AVAILABLE:
        return operation && isInProgress(operation.status) ? { kind: 'running' } : { kind: 'notStarted' };
    }
    if (operation) return { kind: 'running' };
    return {
      kind: 'neverRuns',
      code: executionStatus ? ReasonCode.CHANGE_SET_OBSOLETE : ReasonCode.STACK_DISAPPEARED,
      message: executionStatus
        ? `Change set ${changeSet.name} is ${executionStatus} and never ran: the stack changed by other means; push again to plan anew.`
        : `Change set ${changeSet.name} no longer exists and no stack event carries this deployment's token; it never ran.`,
    };
  } catch (error) {
    return { kind: 'unknown', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A deletion's evidence: the events of the stack (by its unique id, which still answers once it
 * is deleted) carrying the deployment's token, else that stack's own status: DELETE_COMPLETE
 * means the stack approved for deletion is gone.
 */
async function deletionEvidence(stacks: Stacks, deployment: Deployment): Promise<ExecutionEvidence> {
  const stackId = deployment.changeSet!.id;
  try {
    const byToken = await stacks.operationStatus({ ...deployment.stack, stackName: stackId }, deployment.id);
    if (!byToken && !stacks.stackStatus) return { kind: 'notStarted' };
    // No event with the token: the stack's own status; an id CloudFormation forgot was deleted long ago.
    const operation = byToken ?? (await stacks.stackStatus!(deployment.stack, stackId));
    if (!operation || operation.status === 'DELETE_COMPLETE')
      return { kind: 'ran', succeeded: true, stackStatus: 'DELETE_COMPLETE' };
    if (operation.status === 'DELETE_FAILED')
      return { kind: 'ran', succeeded: false, ...toStatus(operation) };
    if (operation.status === 'DELETE_IN_PROGRESS') return { kind: 'running' };
    return { kind: 'notStarted' };
  } catch (error) {
    return { kind: 'unknown', message: error instanceof Error ? error.message : String(error) };
  }
}

function toStatus(operation: { status: string; statusReason?: string }) {
  return {
    stackStatus: operation.status,
    ...(operation.statusReason ? { statusReason: operation.statusReason } : {}),
  };
}
