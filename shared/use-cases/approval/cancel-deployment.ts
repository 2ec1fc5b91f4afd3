import type { Approval, ApproverIdentity } from '../../domain/approval/approval.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { DeploymentNotFoundError } from '../../ports/store-errors.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { deleteChangeSetOf } from '../planning/delete-change-set-of.ts';
import { type DecideApprovalDeps, decideApproval } from './decide-approval.ts';
import { type ControlDeps, type ControlRefusal, controlRefusal } from './may-control-deployment.ts';

export interface CancelDeps extends DecideApprovalDeps, ControlDeps {}

export interface CancelInput {
  readonly deploymentId: string;
  /** Who cancels, as an approver identity (`aws:<arn>`, `cli:alice`). */
  readonly requestedBy: ApproverIdentity;
  /** Why, for the audit trail and the notification. */
  readonly reason?: string;
  /** Where the cancel came from; the command line unless said otherwise. */
  readonly via?: Approval['via'];
}

export type CancelResult =
  | ControlRefusal
  | { readonly outcome: 'cancelled'; readonly deployment: Deployment };

/**
 * Ends a deployment that has not started executing, through the approval gate. Awaiting
 * approval, a cancel is the canceller's reject vote (`decideApproval`), so the vote, audit,
 * change-set deletion and notification are exactly a Slack Reject's. Approved (an auto-approved
 * change, or one whose execution is queued), it moves APPROVED → REJECTED by the transition
 * table, conditionally on APPROVED, so either the cancel or the start of the execution wins,
 * never both; then the change set is deleted and people are told. PLANNING and EXECUTING are
 * refused with what to do; refusals write nothing, except what the vote gate itself audits.
 *
 * @example
 * const result = await cancelDeployment(deps, { deploymentId, requestedBy: 'cli:alice', reason: 'wrong subnet' });
 */
export async function cancelDeployment(deps: CancelDeps, input: CancelInput): Promise<CancelResult> {
  const deployment = await deps.store.getDeployment(input.deploymentId);
  if (!deployment) throw new DeploymentNotFoundError(input.deploymentId);

  // Only someone who may approve the stack may stop it.
  const refused = controlRefusal(deps, deployment, input.requestedBy, 'cancel');
  if (refused) return refused;

  switch (deployment.status) {
    case DeploymentStatus.AWAITING_APPROVAL:
      return rejectAwaiting(deps, input);
    case DeploymentStatus.APPROVED:
      return cancelApproved(deps, deployment, input);
    case DeploymentStatus.PLANNING:
      return refusal(
        'StillPlanning',
        `Deployment ${deployment.id} is PLANNING: its change set is still being created. Run converge cancel ${deployment.id} again once it awaits approval (converge why ${deployment.stack.stackName}).`,
      );
    case DeploymentStatus.AWAITING_DEPENDENCIES:
      return refusal(
        'AwaitingDependencies',
        `Deployment ${deployment.id} waits for ${(deployment.waitingFor ?? []).join(', ')} to deploy first and has no change set yet. Cancel the dependency's deployment (it stops this one too), or run converge cancel ${deployment.id} again once it awaits approval.`,
      );
    case DeploymentStatus.EXECUTING:
      return refusal(
        'Executing',
        `Deployment ${deployment.id} is EXECUTING: CloudFormation is running it and it cannot be stopped halfway. Wait for it to end (converge why ${deployment.stack.stackName}), then push a revert if you do not want the change.`,
      );
    default:
      return refusal(
        'Finished',
        `Deployment ${deployment.id} already ended (${deployment.status}); there is nothing to cancel.`,
      );
  }
}

/** The canceller's reject vote: one reject ends it, as from Slack. */
async function rejectAwaiting(deps: CancelDeps, input: CancelInput): Promise<CancelResult> {
  const result = await decideApproval(deps, {
    deploymentId: input.deploymentId,
    approver: input.requestedBy,
    decision: 'reject',
    via: input.via ?? 'cli',
    ...(input.reason ? { comment: input.reason } : {}),
  });
  if (result.outcome === 'refused') return refusal(result.code, result.message);
  return { outcome: 'cancelled', deployment: result.deployment };
}

/** APPROVED → REJECTED before the execution starts, then the change set goes and people are told. */
async function cancelApproved(
  deps: CancelDeps,
  deployment: Deployment,
  input: CancelInput,
): Promise<CancelResult> {
  const message = `Cancelled by ${input.requestedBy} before it executed${input.reason ? `: ${input.reason}` : '.'}`;
  const cancelled = await moveDeployment(
    deps,
    deployment,
    { type: 'REJECTED', reason: { code: ReasonCode.REJECTED, message } },
    {
      action: AuditAction.CANCELLED,
      actor: input.requestedBy,
      ...(input.reason ? { reason: input.reason } : {}),
    },
  );
  if (!cancelled) {
    const now = await deps.store.getDeployment(deployment.id);
    return refusal(
      'Changed',
      `Deployment ${deployment.id} became ${now?.status ?? 'unknown'} while it was being cancelled${now?.status === DeploymentStatus.EXECUTING ? ': CloudFormation is running it now and it cannot be stopped' : ''}; look at it again (converge show ${deployment.id}).`,
    );
  }
  await deleteChangeSetOf(deps.stacks, cancelled);
  return { outcome: 'cancelled', deployment: await notify(deps, cancelled, { event: message }) };
}

function refusal(code: string, message: string): ControlRefusal {
  return { outcome: 'refused', code, message };
}
