import type { Approval, ApprovalRequirement } from '../../domain/approval/approval.ts';
import { ChangeRisk, type ChangeSetSummary } from '../../domain/change-set/change-set-summary.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';

/** Whether policy lets this change set through without a person. */
export function autoApprovalDecision(
  requirement: ApprovalRequirement,
  summary: ChangeSetSummary,
): { readonly approve: boolean; readonly reason: string } {
  if (requirement.autoApprove === 'always' || requirement.required === 0) {
    return { approve: true, reason: 'policy approves every change' };
  }
  if (requirement.autoApprove === 'safe' && summary.risk === ChangeRisk.SAFE) {
    return { approve: true, reason: 'no removals, replacements or security changes' };
  }
  return { approve: false, reason: `risk ${summary.risk} needs ${requirement.required} approval(s)` };
}

export type VoteOutcome =
  | { readonly outcome: 'refused'; readonly code: string; readonly message: string }
  | { readonly outcome: 'counted'; readonly quorum: boolean }
  | { readonly outcome: 'rejected' };

/** Whether a vote counts, and whether it completes the quorum. */
export function evaluateVote(
  deployment: Deployment,
  approvals: readonly Approval[],
  vote: Approval,
  now: number,
): VoteOutcome {
  const requirement = deployment.approval;
  const refuse = (code: string, message: string): VoteOutcome => ({ outcome: 'refused', code, message });
  if (deployment.status === DeploymentStatus.SUPERSEDED)
    return refuse('SUPERSEDED', 'a newer revision replaced it');
  if (deployment.status !== DeploymentStatus.AWAITING_APPROVAL) {
    return refuse('NOT_AWAITING_APPROVAL', `it is ${deployment.status}`);
  }
  if (deployment.expiresAt && Date.parse(deployment.expiresAt) <= now) return refuse('EXPIRED', 'it expired');
  if (vote.changeSetId !== deployment.changeSet?.id)
    return refuse('WRONG_CHANGE_SET', 'it is for another change set');
  if (!requirement) return refuse('NO_POLICY', 'it has no approval policy');
  if (requirement.approvers.length > 0 && !requirement.approvers.includes(vote.approver)) {
    return refuse('UNKNOWN_APPROVER', `${vote.approver} is not an approver of this stack`);
  }
  const [, id] = vote.approver.split(':');
  if (!requirement.allowSelfApproval && deployment.author && id === deployment.author) {
    return refuse('SELF_APPROVAL', 'the author of a change cannot approve it');
  }
  if (approvals.some((a) => a.approver === vote.approver))
    return refuse('ALREADY_VOTED', 'you already voted');
  if (vote.decision === 'reject') return { outcome: 'rejected' };
  const approvers = new Set(approvals.filter((a) => a.decision === 'approve').map((a) => a.approver));
  return { outcome: 'counted', quorum: approvers.size + 1 >= requirement.required };
}
