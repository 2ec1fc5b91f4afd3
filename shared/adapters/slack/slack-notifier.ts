import { ErrorCode, type WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import type {
  ChannelRefs,
  ConfigurationProblems,
  NotificationChannel,
  NotificationContext,
  StackReleaseNotice,
  VoterReplies,
  VoterReplyTarget,
} from '../../ports/notifier.ts';
import { buildApprovalMessage } from './build-approval-message.ts';
import { buildConfigurationMessage } from './build-configuration-message.ts';
import { escapeMrkdwn } from './slack-blocks.ts';
import { type SlackChannelOptions, slackChannelClient } from './slack-channel-client.ts';
import { SlackConfigInvalidError } from './slack-request-errors.ts';

/** `channel` is where approval messages go. */
export interface SlackNotifierOptions extends SlackChannelOptions {
  /** GitHub's web address, for commit links. */
  readonly webUrl?: string;
  /** Which deployments get a Slack message; previews go to the pull request only. */
  readonly kinds?: readonly DeploymentKind[];
  /** `response_url`s are only followed under these prefixes (Slack signs them, this bounds them). */
  readonly responseUrlPrefixes?: readonly string[];
  /** For `response_url` answers; the global `fetch` by default. */
  readonly fetch?: typeof fetch;
}

const DEFAULTS = {
  kinds: [DeploymentKind.DEPLOY, DeploymentKind.REVERT_DRIFT, DeploymentKind.DELETE],
  responseUrlPrefixes: ['https://hooks.slack.com/'],
} as const;

/** Slack errors meaning the message to edit is gone: post a new one instead. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/**
 * Slack as a notification channel: one message per deployment, posted once
 * (`chat.postMessage`) and then edited in place (`chat.update`) using the channel and `ts` it
 * returned (kept as the deployment's `slack` refs). Also answers a voter privately.
 *
 * @example
 * const slack = new SlackNotifier({ channel: 'C0123', token: config.slackBotToken });
 * const notifier = new CompositeNotifier([slack]);
 */
export class SlackNotifier implements NotificationChannel, VoterReplies {
  readonly name = 'slack';
  readonly #client: WebClient;
  readonly #options: SlackNotifierOptions;

  constructor(options: SlackNotifierOptions) {
    this.#client = slackChannelClient(options, 'SlackNotifier', {
      // A function has seconds, not the half hour of the default retry policy.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    });
    this.#options = options;
  }

  async deploymentChanged(
    deployment: Deployment,
    context: NotificationContext,
    previous: ChannelRefs | undefined,
  ): Promise<ChannelRefs | undefined> {
    const kinds = this.#options.kinds ?? DEFAULTS.kinds;
    if (!kinds.includes(deployment.kind)) return previous;
    const message = buildApprovalMessage(
      deployment,
      context,
      this.#options.webUrl ? { webUrl: this.#options.webUrl } : {},
    );
    // The Slack SDK types blocks as its own union; ours are a structural subset of it.
    const blocks = message.blocks as never;

    // Edit the deployment's message when there is one.
    if (previous?.channel && previous.ts) {
      try {
        await this.#client.chat.update({
          channel: previous.channel,
          ts: previous.ts,
          text: message.text,
          blocks,
        });
        return { channel: previous.channel, ts: previous.ts };
      } catch (error) {
        if (!isPlatformError(error) || !MESSAGE_GONE.has(error.data.error)) throw error;
      }
    }

    // Otherwise post it, and return where it went.
    const posted = await this.#client.chat.postMessage({
      channel: this.#options.channel,
      text: message.text,
      blocks,
      unfurl_links: false,
    });
    if (!posted.channel || !posted.ts)
      throw new Error('Slack accepted the message but returned no channel or ts');
    return { channel: posted.channel, ts: posted.ts };
  }

  /**
   * Tells the voter, and nobody else, e.g. why their vote did not count: through the
   * interaction's `response_url` when there is one, else as an ephemeral message.
   */
  async replyToVoter(target: VoterReplyTarget, text: string): Promise<void> {
    const prefixes = this.#options.responseUrlPrefixes ?? DEFAULTS.responseUrlPrefixes;
    if (target.responseUrl && prefixes.some((prefix) => target.responseUrl!.startsWith(prefix))) {
      const response = await (this.#options.fetch ?? fetch)(target.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      });
      if (!response.ok) throw new Error(`Slack response_url answered HTTP ${response.status}`);
      return;
    }
    if (!target.channelId) {
      throw new SlackConfigInvalidError('cannot answer the voter: no allowed response_url and no channel');
    }
    await this.#client.chat.postEphemeral({ channel: target.channelId, user: target.userId, text });
  }

  /**
   * Posts every problem of a pushed revision's configuration to the channel, once per push; a
   * pull request's are told on the pull request only, as its previews are.
   */
  async configurationInvalid(problems: ConfigurationProblems): Promise<void> {
    if (problems.pullRequest !== undefined) return;
    const message = buildConfigurationMessage(problems);
    await this.#client.chat.postMessage({
      channel: this.#options.channel,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
    });
  }

  /** Posts, once, that a stack left converge.yaml and Converge no longer manages it. */
  async stackReleased(release: StackReleaseNotice): Promise<void> {
    const text = `${release.stackName} (${release.region}) is no longer managed by Converge: ${release.message}`;
    await this.#client.chat.postMessage({
      channel: this.#options.channel,
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }] as never,
      unfurl_links: false,
    });
  }
}

function isPlatformError(error: unknown): error is WebAPIPlatformError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === ErrorCode.PlatformError
  );
}
