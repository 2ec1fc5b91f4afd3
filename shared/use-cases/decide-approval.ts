import type { Approval, ApproverIdentity } from '../domain/approval/approval.ts';
import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Queue } from '../ports/queue.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { dedupeId } from './deployment-names.ts';
import { evaluateVote } from './interim/change-set-rules.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { iso } from './supersede.ts';

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

  try {
    if (verdict.outcome === 'rejected') {
      // One reject ends it: REJECTED in the same write as the vote, then delete the change set.
      const reason = { code: ReasonCode.REJECTED, message: `Rejected by ${input.approver}.` };
      await store.recordApproval(
        vote,
        { from, next: nextStatus(deployment, DeploymentStatus.REJECTED, { reason }, clock.now()) },
        audit('rejected'),
      );
      if (deployment.changeSet) await stacks.deleteChangeSet(deployment.stack, deployment.changeSet.id);
    } else if (verdict.quorum) {
      // The quorum vote approves in the same write, then queues the execution.
      const reason = { code: ReasonCode.APPROVAL_REQUIRED, message: `Approved by ${input.approver}.` };
      await store.recordApproval(
        vote,
        { from, next: nextStatus(deployment, DeploymentStatus.APPROVED, { reason }, clock.now()) },
        audit('approved'),
      );
      await queue.send(
        { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
        { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
      );
    } else {
      // Short of the quorum: record the vote only.
      await store.recordApproval(vote, undefined, audit('vote-counted'));
    }
  } catch {
    // Another vote or an expiry changed the deployment meanwhile; nothing was written.
    return refuse('CHANGED', 'The deployment changed while you voted; look at it again.');
  }

  // Tell people what the vote did.
  const updated = (await store.getDeployment(deployment.id))!;
  const outcome = verdict.outcome === 'rejected' ? 'rejected' : verdict.quorum ? 'approved' : 'counted';
  await notify(deps, updated, {
    event: `${input.decision === 'approve' ? 'approval' : 'rejection'} by ${input.approver}`,
    awaitingApproval: updated.status === DeploymentStatus.AWAITING_APPROVAL,
  });
  return { outcome, deployment: updated };
}
