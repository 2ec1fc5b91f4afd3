import { WebClient } from '@slack/web-api';
import { DriftAction } from '../../domain/drift/drift-decision.ts';
import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import type { DriftNotifier } from '../../ports/drift-notifier.ts';
import { buildDriftMessage } from './build-drift-message.ts';
import { SlackConfigInvalidError } from './slack-request-errors.ts';

export interface SlackDriftNotifierOptions {
  /** Channel id (`C0123…`) drift reports go to. */
  readonly channel: string;
  /** A ready client; otherwise one is made from `token` and `slackApiUrl`. */
  readonly client?: WebClient;
  readonly token?: string;
  readonly slackApiUrl?: string;
}

/**
 * Posts one message per drift report (the `report` policy, or a failed detection) to a Slack channel (`chat.postMessage`). A Slack failure is
 * returned, never thrown: the sweep records it in the audit trail and carries on.
 *
 * @example
 * const driftNotifier = new SlackDriftNotifier({ channel: 'C0123', token });
 */
export class SlackDriftNotifier implements DriftNotifier {
  readonly #client: WebClient;
  readonly #channel: string;

  constructor(options: SlackDriftNotifierOptions) {
    if (!/^[A-Z0-9]{2,32}$/.test(options.channel)) {
      throw new SlackConfigInvalidError(
        `Slack channel "${options.channel}" is not a channel id; use the id (e.g. C0123ABCD) from the channel details`,
      );
    }
    if (!options.client && !options.token) {
      throw new SlackConfigInvalidError('SlackDriftNotifier needs a client or a bot token (xoxb-…).');
    }
    this.#channel = options.channel;
    this.#client =
      options.client ??
      new WebClient(options.token, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  }

  async driftFound(record: DriftRecord): Promise<{ readonly failures: readonly string[] }> {
    // A revert has its own message (the deployment's approval request), with the drift in it.
    if (record.action !== DriftAction.REPORT) return { failures: [] };
    const message = buildDriftMessage(record);
    try {
      await this.#client.chat.postMessage({
        channel: this.#channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
      });
      return { failures: [] };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const why = error instanceof Error ? error.message : String(error);
      return { failures: [`slack: ${name}: ${why}`] };
    }
  }
}
