import type { ChatVote } from '../../ports/chat-vote.ts';
import { SLACK_BUTTON_VALUE_MAX, SlackActionId } from './slack-action.ts';
import { SlackPayloadMalformedError } from './slack-request-errors.ts';

/** A click on Approve or Reject, bound to the deployment and change set the message showed. */
export interface SlackVote extends ChatVote {
  readonly userId: string;
  /** The approval message that was clicked, for updating it in place. */
  readonly message?: { readonly channel: string; readonly ts: string };
}

/**
 * Reads a verified interactivity request (`application/x-www-form-urlencoded`, one `payload`
 * field holding JSON) into a vote. Returns `undefined` for interactions that are not a Converge
 * approval button (other apps' buttons, shortcuts, modals): acknowledge those and do nothing.
 *
 * @throws SlackPayloadMalformedError when the body or a Converge button's value is not as sent.
 * @example
 * verifySlackRequest({ ... });
 * const vote = parseSlackVote(body);
 * if (vote) await approve(deps, { deploymentId: vote.deploymentId, approver: vote.approver, ... });
 */
export function parseSlackVote(body: string): SlackVote | undefined {
  const payload = parsePayload(body);
  if (payload.type !== 'block_actions') return undefined;
  const actions = Array.isArray(payload.actions) ? (payload.actions as unknown[]) : [];
  const action = actions
    .map(asRecord)
    .find((a) => a?.action_id === SlackActionId.APPROVE || a?.action_id === SlackActionId.REJECT);
  if (!action) return undefined;

  const user = asRecord(payload.user);
  const userId = user?.id;
  if (typeof userId !== 'string' || !/^[A-Z0-9]{1,32}$/.test(userId)) {
    throw new SlackPayloadMalformedError('"user.id" is missing or not a Slack user id');
  }
  const { deploymentId, changeSetId } = parseButtonValue(action.value);
  const container = asRecord(payload.container);
  const channelId = stringOr(container?.channel_id) ?? stringOr(asRecord(payload.channel)?.id);
  const messageTs = stringOr(container?.message_ts) ?? stringOr(asRecord(payload.message)?.ts);
  const responseUrl = stringOr(payload.response_url);
  const teamId = stringOr(asRecord(payload.team)?.id) ?? stringOr(user?.team_id);

  return {
    decision: action.action_id === SlackActionId.APPROVE ? 'approve' : 'reject',
    deploymentId,
    changeSetId,
    approver: `slack:${userId}`,
    userId,
    ...(teamId ? { teamId } : {}),
    replyTo: {
      via: 'slack',
      userId,
      ...(channelId ? { channelId } : {}),
      ...(responseUrl ? { responseUrl } : {}),
    },
    ...(channelId && messageTs ? { message: { channel: channelId, ts: messageTs } } : {}),
  };
}

function parsePayload(body: string): Record<string, unknown> {
  const raw = new URLSearchParams(body).get('payload');
  if (raw === null) throw new SlackPayloadMalformedError('the form has no "payload" field');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new SlackPayloadMalformedError('the "payload" field is not JSON');
  }
  const record = asRecord(value);
  if (!record) throw new SlackPayloadMalformedError('the "payload" field is not a JSON object');
  return record;
}

function parseButtonValue(value: unknown): { deploymentId: string; changeSetId: string } {
  if (typeof value !== 'string' || value.length > SLACK_BUTTON_VALUE_MAX) {
    throw new SlackPayloadMalformedError('the button has no value');
  }
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = asRecord(JSON.parse(value));
  } catch {
    parsed = undefined;
  }
  const deploymentId = parsed?.deploymentId;
  const changeSetId = parsed?.changeSetId;
  if (typeof deploymentId !== 'string' || !deploymentId || typeof changeSetId !== 'string' || !changeSetId) {
    throw new SlackPayloadMalformedError(
      'the button value must name the deployment and change set; the message was not posted by Converge',
    );
  }
  return { deploymentId, changeSetId };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
