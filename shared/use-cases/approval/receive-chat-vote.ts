import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { ControlPlanePolicy } from '../../domain/policy/control-plane-policy.ts';
import { iso } from '../../domain/time.ts';
import type { ChatVote, ReadChatVote } from '../../ports/chat-vote.ts';
import type { VoterReplies } from '../../ports/notifier.ts';
import type { WebhookRequest } from '../../ports/webhook.ts';
import { type ApprovalDecisionResult, type DecideApprovalDeps, decideApproval } from './decide-approval.ts';

export interface ReceiveChatVoteDeps extends DecideApprovalDeps {
  /** Verifies the request came from Slack and reads the click; throws `RequestRejectedError`. */
  readonly readChatVote: ReadChatVote;
  readonly voterReplies: VoterReplies;
  /** Names the one Slack workspace whose users may vote (`slack.teamId`). */
  readonly policy: ControlPlanePolicy;
}

/**
 * What became of a click: not a vote, or the vote's result. A refusal is explained to the voter;
 * `voterNotTold` says why that failed (no channel or response URL to answer in, Slack unreachable).
 */
export type ChatVoteResult =
  | { readonly outcome: 'ignored' }
  | Exclude<ApprovalDecisionResult, { readonly outcome: 'refused' }>
  | (Extract<ApprovalDecisionResult, { readonly outcome: 'refused' }> & { readonly voterNotTold?: string });

/**
 * An Approve or Reject click in chat becomes a vote. The request is verified first (a refused
 * request throws and writes nothing); a click from any workspace but the policy's is refused,
 * since a Slack user id means a person only inside its workspace. A vote that does not count is
 * explained to the voter privately, when Slack gave a way to (a refusal that cannot be explained
 * is still only a refusal: the caller answers it like any other).
 *
 * @throws RequestRejectedError for a request that did not come from Slack.
 */
export async function receiveChatVote(
  deps: ReceiveChatVoteDeps,
  request: WebhookRequest,
): Promise<ChatVoteResult> {
  // Verify the request came from Slack, then read the click.
  const vote = await deps.readChatVote(request);
  if (!vote) return { outcome: 'ignored' };

  // Only the policy's workspace votes; then the gate judges the vote.
  const result =
    (await refuseForeignWorkspace(deps, vote)) ??
    (await decideApproval(deps, {
      deploymentId: vote.deploymentId,
      changeSetId: vote.changeSetId,
      approver: vote.approver,
      decision: vote.decision,
      via: 'slack',
    }));
  if (result.outcome !== 'refused') return result;

  // Tell the voter why it does not count. The refusal stands either way: failing to say so
  // changes nothing, so Slack gets the same answer as for any other refusal.
  const voterNotTold = await deps.voterReplies.replyToVoter(vote.replyTo, result.message).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return voterNotTold === undefined ? result : { ...result, voterNotTold };
}

async function refuseForeignWorkspace(
  deps: ReceiveChatVoteDeps,
  vote: ChatVote,
): Promise<ApprovalDecisionResult | undefined> {
  const teamId = deps.policy.slack.teamId;
  if (teamId !== undefined && vote.teamId === teamId) return undefined;
  const message = teamId
    ? `Votes count only from the Slack workspace ${teamId}; this click came from ${vote.teamId ?? 'an unnamed workspace'}.`
    : `The control-plane policy (${deps.policy.file}) names no Slack workspace (slack.teamId), so no Slack vote counts; add it to the policy.`;
  await deps.store.appendAudit({
    subject: subjectOf(vote.deploymentId),
    action: AuditAction.VOTE_REFUSED,
    actor: vote.approver,
    reason: `ForeignWorkspace: ${message}`,
    at: iso(deps.clock),
  });
  return { outcome: 'refused', code: 'ForeignWorkspace', message };
}
