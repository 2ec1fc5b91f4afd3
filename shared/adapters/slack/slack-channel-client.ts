import { WebClient, type WebClientOptions } from '@slack/web-api';
import { SlackConfigInvalidError } from './slack-request-errors.ts';

/** Where a Slack adapter posts, and with which client. */
export interface SlackChannelOptions {
  /** Channel id (`C0123…`). */
  readonly channel: string;
  /** A ready client; otherwise one is made from `token` and `slackApiUrl`. */
  readonly client?: WebClient;
  /** Bot token (`xoxb-…`), when no client is given. */
  readonly token?: string;
  /** Slack's API base URL; a recording server in tests, the local host's Slack stand-in in dev. */
  readonly slackApiUrl?: string;
}

/**
 * The client a Slack adapter posts with, once its options are checked: the channel must be a
 * channel id, and there must be a client or a bot token. `clientOptions` go to a client made here.
 *
 * @throws SlackConfigInvalidError saying what to fix; `adapter` names who needs it.
 * @example
 * this.#client = slackChannelClient(options, 'SlackDriftNotifier');
 */
export function slackChannelClient(
  options: SlackChannelOptions,
  adapter: string,
  clientOptions: WebClientOptions = {},
): WebClient {
  if (!/^[A-Z0-9]{2,32}$/.test(options.channel)) {
    throw new SlackConfigInvalidError(
      `Slack channel "${options.channel}" is not a channel id; use the id (e.g. C0123ABCD) from the channel details`,
    );
  }
  if (options.client) return options.client;
  if (!options.token) throw new SlackConfigInvalidError(`${adapter} needs a client or a bot token (xoxb-…).`);
  return new WebClient(options.token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...clientOptions,
  });
}
