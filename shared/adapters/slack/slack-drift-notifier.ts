import type { WebClient } from '@slack/web-api';
import { DriftAction } from '../../domain/drift/drift-decision.ts';
import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import type { DriftNotifier } from '../../ports/drift-notifier.ts';
import { buildDriftMessage } from './build-drift-message.ts';
import { type SlackChannelOptions, slackChannelClient } from './slack-channel-client.ts';

/** `channel` is where drift reports go. */
export type SlackDriftNotifierOptions = SlackChannelOptions;

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
    this.#client = slackChannelClient(options, 'SlackDriftNotifier');
    this.#channel = options.channel;
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
