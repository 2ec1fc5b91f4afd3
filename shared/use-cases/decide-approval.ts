import type { Approval, ApproverIdentity } from '../domain/approval/approval.ts';
import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../domain/deployment/reason-code.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Queue } from '../ports/queue.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';
import { dedupeId } from './deployment-names.ts';
import { evaluateVote } from './interim/change-set-rules.ts';
import { iso, patchFor } from './move-deployment.ts';
import { notify } from './notify.ts';

export interface DecideApprovalDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly notifier: Notifier;
}

/** One person's decision on one deployment, from Slack, a GitHub review or the CLI. */
export interface ApprovalDecisionInput {
  readonly deploymentId: string;
  /** The change set the person saw; defaults to the deployment's current one (GitHub, CLI). */
  readonly changeSetId?: string;
  readonly approver: ApproverIdentity;
  readonly decision: 'approve' | 'reject';
  readonly via: Approval['via'];
  readonly comment?: string;
}

export type ApprovalDecisionResult =
  /** The vote does not count; `message` is shown to the person and written to the audit trail. */
  | { readonly outcome: 'refused'; readonly code: string; readonly message: string }
  | { readonly outcome: 'counted' | 'approved' | 'rejected'; readonly deployment: Deployment };

/**
 * Counts one vote. The quorum vote moves the deployment to APPROVED in the same write as the
 * vote and queues its execution; one reject ends it REJECTED and deletes its change set.
 */
export async function decideApproval(
  deps: DecideApprovalDeps,
  input: ApprovalDecisionInput,
): Promise<ApprovalDecisionResult> {
  const { store, stacks, queue, clock } = deps;
  const subject = `deployment#${input.deploymentId}`;
  const refuse = async (code: string, message: string): Promise<ApprovalDecisionResult> => {
    await store.appendAudit({
      subject,
      action: 'vote-refused',
      actor: input.approver,
      reason: `${code}: ${message}`,
      at: iso(clock),
    });
    return { outcome: 'refused', code, message };
  };

  // Find the deployment the vote is for.
  const deployment = await store.getDeployment(input.deploymentId);
  if (!deployment) return refuse('NOT_FOUND', `Deployment ${input.deploymentId} does not exist.`);

  // Bind the vote to the change set the person saw.
  const vote: Approval = {
    deploymentId: deployment.id,
    changeSetId: input.changeSetId ?? deployment.changeSet?.id ?? '',
    approver: input.approver,
    decision: input.decision,
    at: iso(clock),
    via: input.via,
    comment: input.comment,
  };

  // Judge it by the deployment's trusted rule: refuse with a reason, or count it.
  const verdict = evaluateVote(deployment, await store.listApprovals(deployment.id), vote, clock.now());
  if (verdict.outcome === 'refused') return refuse(verdict.code, verdict.message);
  const audit = (action: string) => ({
    subject,
    action,
    actor: input.approver,
    reason: input.comment,
    at: iso(clock),
  });
  const from = DeploymentStatus.AWAITING_APPROVAL;

  // Bundle the status change (if any) with the vote, so both are written or neither.
  const now = clock.now();
  const event =
    verdict.outcome === 'rejected'
      ? ({
          type: 'REJECTED',
          reason: { code: ReasonCode.REJECTED, message: `Rejected by ${input.approver}.` },
        } as const)
      : verdict.quorum
        ? ({ type: 'QUORUM_REACHED' } as const)
        : undefined;
  const next = event && patchFor(deployment, event, now);
  if (event && !next) return refuse('CHANGED', 'The deployment can no longer be decided; look at it again.');
  try {
    await store.recordApproval(
      vote,
      next && { from, next },
      audit(event ? event.type.toLowerCase() : 'vote-counted'),
    );
  } catch {
    // Another vote or an expiry changed the deployment meanwhile; nothing was written.
    return refuse('CHANGED', 'The deployment changed while you voted; look at it again.');
  }

  // Reject: delete the change set. Quorum: queue the execution.
  if (verdict.outcome === 'rejected') await deleteChangeSetOf(stacks, deployment);
  if (event?.type === 'QUORUM_REACHED') {
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
    );
  }

  // Tell people what the vote did.
  const outcome = verdict.outcome === 'rejected' ? 'rejected' : verdict.quorum ? 'approved' : 'counted';
  const updated = await notify(deps, (await store.getDeployment(deployment.id))!, {
    event: `${input.decision === 'approve' ? 'approval' : 'rejection'} by ${input.approver}`,
  });
  return { outcome, deployment: updated };
}
