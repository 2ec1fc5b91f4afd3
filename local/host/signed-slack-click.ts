import { createHmac } from 'node:crypto';
import { encodeButtonValue, SlackActionId } from '../../shared/adapters/slack/slack-action.ts';
import { LOCAL_SLACK_TEAM_ID } from './local-policy.ts';

/** Which button, on which approval message, by whom. */
export interface SlackClick {
  readonly decision: 'approve' | 'reject';
  readonly deploymentId: string;
  readonly changeSetId: string;
  /** The clicking Slack user id, e.g. `U0LOCAL`. */
  readonly userId: string;
  /** The clicking user's workspace; the host's own, `T0LOCAL`, by default. */
  readonly teamId?: string;
  /** The approval message clicked, so the approve handler can update it in place. */
  readonly message?: { readonly channel: string; readonly ts: string };
  readonly signingSecret: string;
  /** Seconds since the epoch; Slack sends the time of the click. */
  readonly timestamp: number;
}

/**
 * A Slack interactivity request for a click on a Converge approval button, signed as Slack signs
 * it: form body `payload=<block_actions JSON>`, `X-Slack-Request-Timestamp`, and
 * `X-Slack-Signature: v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<body>`).
 *
 * @example
 * const { headers, body } = signedSlackClick({ decision: 'approve', deploymentId, changeSetId, userId: 'U0LOCAL', signingSecret, timestamp: Math.floor(Date.now() / 1000) });
 * await fetch(`${host.url}/slack/actions`, { method: 'POST', headers, body });
 */
export function signedSlackClick(click: SlackClick): { headers: Record<string, string>; body: string } {
  const actionId = click.decision === 'approve' ? SlackActionId.APPROVE : SlackActionId.REJECT;
  const team = click.teamId ?? LOCAL_SLACK_TEAM_ID;
  const payload = {
    type: 'block_actions',
    user: { id: click.userId, username: click.userId.toLowerCase(), team_id: team },
    team: { id: team, domain: team.toLowerCase() },
    api_app_id: 'A0LOCAL',
    trigger_id: `${click.timestamp}.local`,
    ...(click.message
      ? {
          container: {
            type: 'message',
            message_ts: click.message.ts,
            channel_id: click.message.channel,
            is_ephemeral: false,
          },
          channel: { id: click.message.channel, name: 'converge' },
          message: { ts: click.message.ts, type: 'message' },
        }
      : {}),
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'converge-vote',
        value: encodeButtonValue({ deploymentId: click.deploymentId, changeSetId: click.changeSetId }),
        action_ts: `${click.timestamp}.000000`,
      },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', click.signingSecret)
    .update(`v0:${click.timestamp}:${body}`)
    .digest('hex');
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(click.timestamp),
      'x-slack-signature': `v0=${signature}`,
    },
    body,
  };
}
