import type { ReadChatVote } from '../../ports/chat-vote.ts';
import { parseSlackVote } from './parse-slack-vote.ts';
import { verifySlackRequest } from './verify-slack-request.ts';

export interface SlackVoteReaderOptions {
  /** The app's signing secret, read when the first request arrives. */
  readonly signingSecret: () => Promise<string>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/**
 * The {@link ReadChatVote} port for Slack interactivity: verifies the request as Slack documents
 * (timestamp within five minutes, `v0` HMAC signature), then reads the click. Header names are
 * matched case-insensitively.
 *
 * @example
 * const read = slackVoteReader({ signingSecret: async () => secret, now: () => Date.now() });
 * const vote = await read({ headers, body });
 */
export function slackVoteReader(options: SlackVoteReaderOptions): ReadChatVote {
  return async function readSlackVote({ headers, body }) {
    const lower = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    verifySlackRequest({
      signingSecret: await options.signingSecret(),
      timestamp: lower['x-slack-request-timestamp'],
      signature: lower['x-slack-signature'],
      body,
      now: options.now(),
    });
    return parseSlackVote(body);
  };
}
