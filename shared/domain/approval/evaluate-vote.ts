import type { Deployment } from '../deployment/deployment.ts';
import type { DeploymentEvent } from '../deployment/deployment-event.ts';
import { DeploymentStatus, isTerminal } from '../deployment/deployment-status.ts';
import { ReasonCode } from '../deployment/reason-code.ts';
import type { Approval, ApprovalRequirement, ApproverIdentity } from './approval.ts';
import { type ApproverAliases, personOf } from './approver-aliases.ts';
import { authorIdentity, parseApproverIdentity } from './parse-approver-identity.ts';
import { VoteRefusal } from './vote-refusal.ts';

/** Everything {@link evaluateVote} needs; `now` is milliseconds since the epoch. */
export interface VoteInput {
  readonly deployment: Deployment;
  readonly requirement: ApprovalRequirement;
  /** Votes already recorded for the deployment. */
  readonly approvals: readonly Approval[];
  readonly vote: Approval;
  readonly now: number;
  readonly aliases?: ApproverAliases;
}

/** A vote that counts, and where it leaves the deployment. */
export interface AcceptedVote {
  readonly accepted: true;
  /** The vote with its approver identity normalised: record this one. */
  readonly vote: Approval;
  /** `pending`: n of m; `approved`: quorum reached; `rejected`: an allowed approver said no. */
  readonly outcome: 'pending' | 'approved' | 'rejected';
  /** Distinct people who approved, this vote included. */
  readonly approvals: number;
  readonly required: number;
  readonly approvers: readonly ApproverIdentity[];
  /** The event to pass to `nextStatus` when the vote decides the deployment. */
  readonly event?: DeploymentEvent;
}

/** A vote that does not count, with a named code and a message the voter can act on. */
export interface RefusedVote {
  readonly accepted: false;
  readonly code: VoteRefusal;
  readonly message: string;
}

/**
 * Decides whether one vote counts on one deployment, and whether it completes the approval.
 * Only votes bound to the deployment's current change set count; a person counts once, under
 * whichever identity; expiry is checked against `expiresAt`, never left to TTL deletion.
 *
 * @example
 * ```ts
 * const result = evaluateVote({ deployment, requirement: deployment.approval, approvals, vote, now: clock.now() });
 * if (!result.accepted) return reply(result.message);
 * const next = result.event ? nextStatus(deployment, result.event, now) : undefined;
 * ```
 */
export function evaluateVote(input: VoteInput): AcceptedVote | RefusedVote {
  const { deployment, requirement, vote, now, aliases } = input;
  const parsed = parseApproverIdentity(vote.approver);
  if (!parsed.ok) return refuse(VoteRefusal.INVALID_IDENTITY, parsed.message);
  const voter = parsed.identity;
  const refusal =
    refuseByStatus(deployment) ??
    refuseByExpiry(deployment, now) ??
    refuseByBinding(deployment, vote) ??
    refuseByVoter(deployment, requirement, vote.decision, voter, aliases);
  if (refusal) return refusal;

  const person = personOf(voter, aliases);
  const counted = input.approvals.filter(
    (a) => a.deploymentId === deployment.id && a.changeSetId === vote.changeSetId,
  );
  const earlier = counted.find((a) => personOf(a.approver, aliases) === person);
  if (earlier) {
    return refuse(
      VoteRefusal.DUPLICATE_VOTE,
      `${voter} already voted ${earlier.decision} on this change set (at ${earlier.at}, as ${earlier.approver}); a person counts once.`,
    );
  }

  const normalised: Approval = { ...vote, approver: voter };
  const required = Math.max(1, requirement.required);
  const approving = [...counted, normalised].filter(
    (a) =>
      a.decision === 'approve' && !refuseByVoter(deployment, requirement, 'approve', a.approver, aliases),
  );
  const people = new Map(approving.map((a) => [personOf(a.approver, aliases), a.approver]));
  const approvers = [...people.values()];
  const base = { accepted: true, vote: normalised, approvals: people.size, required, approvers } as const;
  if (vote.decision === 'reject') {
    const note = vote.comment ? `: ${vote.comment}` : '';
    const reason = { code: ReasonCode.REJECTED, message: `Rejected by ${voter}${note}` };
    return { ...base, outcome: 'rejected', event: { type: 'REJECTED', reason } };
  }
  return people.size >= required
    ? { ...base, outcome: 'approved', event: { type: 'QUORUM_REACHED' } }
    : { ...base, outcome: 'pending' };
}

function refuseByStatus(deployment: Deployment): RefusedVote | undefined {
  const { status } = deployment;
  if (status === DeploymentStatus.AWAITING_APPROVAL) return undefined;
  if (status === DeploymentStatus.SUPERSEDED) {
    return refuse(
      VoteRefusal.SUPERSEDED,
      `A newer revision of this stack replaced this deployment; vote on the newer one.${why(deployment)}`,
    );
  }
  if (status === DeploymentStatus.EXPIRED) return expired(deployment);
  if (isTerminal(status)) {
    return refuse(
      VoteRefusal.FINISHED,
      `This deployment already ended (${status}); votes no longer change it.${why(deployment)}`,
    );
  }
  return refuse(VoteRefusal.NOT_AWAITING_APPROVAL, `This deployment is ${status}, not waiting for approval.`);
}

function refuseByExpiry(deployment: Deployment, now: number): RefusedVote | undefined {
  if (deployment.expiresAt === undefined) return undefined;
  const expiresAt = Date.parse(deployment.expiresAt);
  return Number.isNaN(expiresAt) || now >= expiresAt ? expired(deployment) : undefined;
}

function refuseByBinding(deployment: Deployment, vote: Approval): RefusedVote | undefined {
  if (vote.deploymentId !== deployment.id) {
    return refuse(
      VoteRefusal.DEPLOYMENT_MISMATCH,
      `This vote is for deployment ${vote.deploymentId}, not ${deployment.id}.`,
    );
  }
  const current = deployment.changeSet?.id;
  if (current === undefined || vote.changeSetId !== current) {
    return refuse(
      VoteRefusal.CHANGE_SET_MISMATCH,
      `This vote is for change set ${vote.changeSetId}, but the deployment waits on ${current ?? 'no change set'}; review the current change set and vote again.`,
    );
  }
  return undefined;
}

function refuseByVoter(
  deployment: Deployment,
  requirement: ApprovalRequirement,
  decision: Approval['decision'],
  voter: string,
  aliases: ApproverAliases | undefined,
): RefusedVote | undefined {
  const person = personOf(voter, aliases);
  const allowed = requirement.approvers;
  if (allowed.length > 0 && !allowed.some((a) => personOf(a, aliases) === person)) {
    return refuse(
      VoteRefusal.UNKNOWN_APPROVER,
      `${voter} is not an approver of ${deployment.stack.stackName}; ask one of ${allowed.join(', ')}, or add yourself to approval.approvers in converge.yaml (it counts once that change is applied).`,
    );
  }
  const authors = [deployment.author, ...(deployment.authors ?? [])]
    .map(authorIdentity)
    .filter((identity) => identity !== undefined);
  if (
    decision === 'approve' &&
    !requirement.allowSelfApproval &&
    authors.some((author) => personOf(author, aliases) === person)
  ) {
    return refuse(
      VoteRefusal.SELF_APPROVAL,
      `${voter} wrote this change and may not approve it; ask another approver (approval.allowSelfApproval permits self-approval).`,
    );
  }
  return undefined;
}

function expired(deployment: Deployment): RefusedVote {
  return refuse(
    VoteRefusal.EXPIRED,
    `The approval window closed at ${deployment.expiresAt ?? 'an unknown time'}; push again or re-run the deployment to plan a fresh change set.`,
  );
}

/** The recorded reason a deployment ended (which revision replaced it, who rejected it), as a sentence to append. */
function why(deployment: Deployment): string {
  return deployment.reason ? ` ${deployment.reason.message}` : '';
}

function refuse(code: VoteRefusal, message: string): RefusedVote {
  return { accepted: false, code, message };
}
