import type { Approval, ApprovalRequirement, ApproverIdentity } from '../../domain/approval/approval.ts';
import { type ApproverAliases, buildApproverAliases } from '../../domain/approval/approver-aliases.ts';
import { type AcceptedVote, evaluateVote } from '../../domain/approval/evaluate-vote.ts';
import { VoteRefusal } from '../../domain/approval/vote-refusal.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { StoreConflict, StoreConflictError } from '../../ports/store-errors.ts';
import { patchFor, releaseDependentsOf } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { deleteChangeSetOf } from '../planning/delete-change-set-of.ts';

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

/** Times a vote is judged again because the deployment changed under it (other votes, notifications). */
const MAX_VOTE_ATTEMPTS = 10;
/** The longest pause, in ms, before judging a vote again: the voter waits for the answer. */
const MAX_VOTE_PAUSE_MS = 100;

/**
 * The deployment kept changing while the vote was counted (many votes at once) and the vote was
 * given up after {@link MAX_VOTE_ATTEMPTS} tries; nothing was recorded. Not a refusal: the same
 * vote may simply be cast again.
 */
export class VoteContendedError extends Error {
  readonly deploymentId: string;
  readonly attempts: number;
  constructor(deploymentId: string, attempts: number, cause: unknown) {
    super(
      `Deployment ${deploymentId} kept changing while the vote was counted (${attempts} attempts); nothing was recorded: vote again.`,
      { cause },
    );
    this.name = 'VoteContendedError';
    this.deploymentId = deploymentId;
    this.attempts = attempts;
  }
}

/**
 * Counts one vote. The vote and the decision it makes are one write: the vote is recorded only
 * on the version of the deployment it was judged against, so of concurrent votes each is judged
 * with every vote before it, and the quorum vote moves the deployment to APPROVED in the same
 * write and queues its execution; one reject ends it REJECTED and deletes its change set. A vote
 * that lost the race to another write is judged again on a fresh read; it is refused only for
 * what the person can act on (duplicate, expired, decided, another change set). Any other
 * failure (a throttled or unreachable store) is thrown, never answered as a refusal.
 *
 * @throws VoteContendedError when the deployment kept changing through every attempt.
 * @example
 * const result = await decideApproval(deps, { deploymentId, changeSetId, approver: 'slack:U0123', decision: 'approve', via: 'slack' });
 * if (result.outcome === 'refused') reply(result.message);
 */
export async function decideApproval(
  deps: DecideApprovalDeps,
  input: ApprovalDecisionInput,
): Promise<ApprovalDecisionResult> {
  const { store, stacks, queue, clock } = deps;
  const refuse = async (code: string, message: string): Promise<ApprovalDecisionResult> => {
    await store.appendAudit({
      subject: subjectOf(input.deploymentId),
      action: AuditAction.VOTE_REFUSED,
      actor: input.approver,
      reason: `${code}: ${message}`,
      at: iso(clock),
    });
    return { outcome: 'refused', code, message };
  };

  // Judge the vote and record it with the decision it makes, judging again while other writes win.
  const counted = await countVote(deps, input);
  if ('refusal' in counted) return refuse(counted.refusal.code, counted.refusal.message);
  const { deployment, vote } = counted;

  // Reject: delete the change set. Quorum: queue the execution.
  if (vote.outcome === 'rejected') await deleteChangeSetOf(stacks, deployment);
  if (vote.outcome === 'approved') {
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
    );
  }

  // Tell people what the vote did; a rejected deploy also stops the stacks waiting for it.
  const decided = (await store.getDeployment(deployment.id))!;
  if (vote.outcome === 'rejected') await releaseDependentsOf(deps, decided);
  const updated = await notify(deps, decided, {
    event: `${input.decision === 'approve' ? 'approval' : 'rejection'} by ${vote.vote.approver} (${vote.approvals} of ${vote.required})`,
  });
  return { outcome: vote.outcome, deployment: updated };
}

type Counted =
  | { readonly deployment: Deployment; readonly vote: AcceptedVote }
  | { readonly refusal: { readonly code: string; readonly message: string } };

/**
 * Reads the deployment and its votes, judges the vote, and records it conditionally on the
 * version read. Every vote moves that version, so a write based on a read that another vote (or
 * a transition, or saved notification refs) overtook is refused with nothing written, and the
 * vote is read and judged again after a short jittered pause.
 */
async function countVote(deps: DecideApprovalDeps, input: ApprovalDecisionInput): Promise<Counted> {
  const { store, clock } = deps;
  // GitHub and the CLI vote on the change set current when the vote first reads it, and keep it.
  let changeSetId = input.changeSetId;
  for (let attempt = 1; ; attempt++) {
    // The deployment first, then its votes: a vote listed beyond the version read fails the write.
    const deployment = await store.getDeployment(input.deploymentId);
    if (!deployment) {
      return refusal(
        'NotFound',
        `Deployment ${input.deploymentId} does not exist; check the link or the id.`,
      );
    }
    if (!deployment.approval)
      return refusal('NoPolicy', 'This deployment has no approval rule, so no vote can count.');
    changeSetId ??= deployment.changeSet?.id ?? '';

    // Judge the vote, bound to the change set the person saw, by the deployment's trusted rule.
    const now = clock.now();
    const vote = evaluateVote({
      deployment,
      requirement: deployment.approval,
      approvals: await store.listApprovals(deployment.id),
      vote: {
        deploymentId: deployment.id,
        changeSetId,
        approver: input.approver,
        decision: input.decision,
        at: iso(clock),
        via: input.via,
        comment: input.comment,
      },
      now,
      aliases: trustedAliases(deployment.approval, deps.aliases),
    });
    if (!vote.accepted) return refusal(vote.code, vote.message);
    const next = vote.event && patchFor(deployment, vote.event, now);
    if (vote.event && !next)
      return refusal('Changed', 'The deployment can no longer be decided; look at it again.');

    // Record the vote and, when it decides the deployment, the status change in the same write.
    try {
      await store.recordApproval(
        vote.vote,
        next && { from: deployment.status, next },
        {
          subject: subjectOf(deployment.id),
          action: VOTE_AUDIT_ACTION[vote.outcome],
          actor: vote.vote.approver,
          reason: input.comment,
          at: iso(clock),
          data: { approvals: vote.approvals, required: vote.required },
        },
        { expectedVersion: deployment.version },
      );
      return { deployment, vote };
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      if (error.conflict === StoreConflict.DUPLICATE_VOTE)
        return refusal(VoteRefusal.DUPLICATE_VOTE, error.message);
      if (!JUDGED_AGAIN.has(error.conflict)) throw error;
      if (attempt >= MAX_VOTE_ATTEMPTS) throw new VoteContendedError(deployment.id, attempt, error);
      const cap = Math.min(MAX_VOTE_PAUSE_MS, 5 * 2 ** attempt);
      await clock.sleep(Math.max(1, Math.floor(Math.random() * cap)));
    }
  }
}

/** Conflicts that mean the deployment moved since the read: the vote is judged again on a fresh read. */
const JUDGED_AGAIN: ReadonlySet<string> = new Set([
  StoreConflict.VERSION_CHANGED,
  StoreConflict.STATUS_CHANGED,
  StoreConflict.CHANGE_SET_CHANGED,
]);

function refusal(code: string, message: string): Counted {
  return { refusal: { code, message } };
}

/**
 * Who counts once for this deployment: the `people:` of the trusted configuration its rule came
 * from (never the revision being deployed), else the control-plane aliases.
 */
export function trustedAliases(
  requirement: ApprovalRequirement,
  fallback: ApproverAliases | undefined,
): ApproverAliases | undefined {
  if (!requirement.people) return fallback;
  const built = buildApproverAliases(requirement.people);
  return built.ok ? built.aliases : fallback;
}

/** What a counted vote records: counted towards the quorum, or deciding the deployment. */
const VOTE_AUDIT_ACTION = {
  pending: AuditAction.VOTE_COUNTED,
  approved: AuditAction.APPROVED,
  rejected: AuditAction.REJECTED,
} as const;
