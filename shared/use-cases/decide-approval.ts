import type { Approval, ApprovalRequirement, ApproverIdentity } from '../domain/approval/approval.ts';
import { type ApproverAliases, buildApproverAliases } from '../domain/approval/approver-aliases.ts';
import { evaluateVote } from '../domain/approval/evaluate-vote.ts';
import type { Deployment } from '../domain/deployment/deployment.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Queue } from '../ports/queue.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';
import { dedupeId } from './deployment-names.ts';
import { iso, patchFor, subjectOf } from './move-deployment.ts';
import { notify } from './notify.ts';

export interface DecideApprovalDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly notifier: Notifier;
  /**
   * Identities that are one person (`slack:U0123` and `github:alice`), so a person counts once:
   * the control-plane list, for deployments whose trusted converge.yaml has no `people:`.
   */
  readonly aliases?: ApproverAliases;
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
  | { readonly outcome: 'pending' | 'approved' | 'rejected'; readonly deployment: Deployment };

/**
 * Counts one vote. The quorum vote moves the deployment to APPROVED in the same write as the
 * vote and queues its execution; one reject ends it REJECTED and deletes its change set.
 *
 * @example
 * const result = await decideApproval(deps, { deploymentId, changeSetId, approver: 'slack:U0123', decision: 'approve', via: 'slack' });
 * if (result.outcome === 'refused') reply(result.message);
 */
export async function decideApproval(
  deps: DecideApprovalDeps,
  input: ApprovalDecisionInput,
): Promise<ApprovalDecisionResult> {
  const { store, stacks, queue, clock } = deps;
  const subject = subjectOf(input.deploymentId);
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
  if (!deployment)
    return refuse('NotFound', `Deployment ${input.deploymentId} does not exist; check the link or the id.`);
  if (!deployment.approval)
    return refuse('NoPolicy', 'This deployment has no approval rule, so no vote can count.');

  // Judge the vote, bound to the change set the person saw, by the deployment's trusted rule.
  const now = clock.now();
  const result = evaluateVote({
    deployment,
    requirement: deployment.approval,
    approvals: await store.listApprovals(deployment.id),
    vote: {
      deploymentId: deployment.id,
      changeSetId: input.changeSetId ?? deployment.changeSet?.id ?? '',
      approver: input.approver,
      decision: input.decision,
      at: iso(clock),
      via: input.via,
      comment: input.comment,
    },
    now,
    aliases: trustedAliases(deployment.approval, deps.aliases),
  });
  if (!result.accepted) return refuse(result.code, result.message);

  // Record the vote and, when it decides the deployment, the status change in the same write.
  const next = result.event && patchFor(deployment, result.event, now);
  if (result.event && !next)
    return refuse('Changed', 'The deployment can no longer be decided; look at it again.');
  try {
    await store.recordApproval(result.vote, next && { from: deployment.status, next }, {
      subject,
      action: result.outcome === 'pending' ? 'vote-counted' : result.outcome,
      actor: result.vote.approver,
      reason: input.comment,
      at: iso(clock),
      data: { approvals: result.approvals, required: result.required },
    });
  } catch {
    // Another vote or an expiry changed the deployment meanwhile; nothing was written.
    return refuse('Changed', 'The deployment changed while you voted; look at it again.');
  }

  // Reject: delete the change set. Quorum: queue the execution.
  if (result.outcome === 'rejected') await deleteChangeSetOf(stacks, deployment);
  if (result.outcome === 'approved') {
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
    );
  }

  // Tell people what the vote did.
  const updated = await notify(deps, (await store.getDeployment(deployment.id))!, {
    event: `${input.decision === 'approve' ? 'approval' : 'rejection'} by ${result.vote.approver} (${result.approvals} of ${result.required})`,
  });
  return { outcome: result.outcome, deployment: updated };
}

/**
 * Who counts once for this deployment: the `people:` of the trusted configuration its rule came
 * from (never the revision being deployed), else the control-plane aliases.
 */
function trustedAliases(
  requirement: ApprovalRequirement,
  fallback: ApproverAliases | undefined,
): ApproverAliases | undefined {
  if (!requirement.people) return fallback;
  const built = buildApproverAliases(requirement.people);
  return built.ok ? built.aliases : fallback;
}
