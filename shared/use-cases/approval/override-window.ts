import type { ApproverIdentity } from '../../domain/approval/approval.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Store } from '../../ports/store.ts';
import { DeploymentNotFoundError } from '../../ports/store-errors.ts';
import { type ControlDeps, type ControlRefusal, controlRefusal } from './may-control-deployment.ts';

export interface OverrideWindowDeps extends ControlDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly queue: Queue;
}

export type OverrideWindowResult =
  | ControlRefusal
  | { readonly outcome: 'overridden'; readonly deployment: Deployment };

/**
 * Lets one approved deployment execute outside its deploy windows: an approver of its stack
 * says why, the override is written to the audit trail (the record is the override), and its
 * execution is queued. A suspension still holds it: resume the stack for that. Only an APPROVED
 * deployment waits for a window; anything else is refused with what to do, writing nothing.
 *
 * @example
 * await overrideWindow(deps, { deploymentId, requestedBy: 'cli:alice', reason: 'hotfix for INC-42' });
 */
export async function overrideWindow(
  deps: OverrideWindowDeps,
  input: { readonly deploymentId: string; readonly requestedBy: ApproverIdentity; readonly reason: string },
): Promise<OverrideWindowResult> {
  const { store, clock, queue } = deps;
  const deployment = await store.getDeployment(input.deploymentId);
  if (!deployment) throw new DeploymentNotFoundError(input.deploymentId);

  // Only an approver of the stack overrides, and says why.
  const refused = controlRefusal(deps, deployment, input.requestedBy, 'override the windows of');
  if (refused) return refused;
  const reason = input.reason.trim();
  if (reason === '')
    return refusal(
      'ReasonRequired',
      'An override needs a reason (--reason "..."): it goes to the audit trail.',
    );
  if (deployment.status !== DeploymentStatus.APPROVED) {
    return refusal(
      'NotApproved',
      `Deployment ${deployment.id} is ${deployment.status}; only an APPROVED deployment waits for a deploy window. ${deployment.status === DeploymentStatus.AWAITING_APPROVAL ? 'Approve it first, then override.' : ''}`.trim(),
    );
  }
  if (!deployment.windows?.length) {
    return refusal('NoWindows', `Deployment ${deployment.id} has no deploy windows to override.`);
  }

  // The audit record is the override; then the execution is queued.
  await store.appendAudit({
    subject: subjectOf(deployment.id),
    action: AuditAction.WINDOW_OVERRIDDEN,
    actor: input.requestedBy,
    reason,
    at: iso(clock),
  });
  await queue.send(
    { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
    { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id, 'override', clock.now()) },
  );
  return { outcome: 'overridden', deployment };
}

function refusal(code: string, message: string): ControlRefusal {
  return { outcome: 'refused', code, message };
}
