import type { Deployment, NotificationRefs } from '../../domain/deployment/deployment.ts';
import type {
  ChannelRefs,
  ConfigurationProblems,
  NotificationChannel,
  NotificationContext,
  NotificationFailure,
  NotificationOutcome,
  Notifier,
  PullRequestRef,
  StackReleaseNotice,
} from '../../ports/notifier.ts';

/**
 * The {@link Notifier} the use cases get: fans one notification out to every channel at once
 * and isolates them. A channel that throws is reported in `failures`; the others still go out,
 * and its earlier refs are kept so that the next call edits the same message.
 *
 * @example
 * const notifier = new CompositeNotifier([new SlackNotifier({ channel: 'C0123' }), new GithubNotifier({ octokit })]);
 */
export class CompositeNotifier implements Notifier {
  readonly #channels: readonly NotificationChannel[];

  constructor(channels: readonly NotificationChannel[]) {
    const names = channels.map((channel) => channel.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      throw new NotifierConfigInvalidError(
        `two notification channels are named "${duplicate}"; give each channel its own name`,
      );
    }
    this.#channels = channels;
  }

  async deploymentChanged(
    deployment: Deployment,
    context: NotificationContext,
  ): Promise<NotificationOutcome> {
    const before: NotificationRefs = deployment.notifications ?? {};
    const settled = await Promise.allSettled(
      this.#channels.map((channel) => channel.deploymentChanged(deployment, context, before[channel.name])),
    );
    const refs: Record<string, ChannelRefs> = { ...before };
    const failures: NotificationFailure[] = [];
    let changed = false;
    settled.forEach((result, index) => {
      const channel = this.#channels[index]!;
      if (result.status === 'rejected') {
        failures.push(toFailure(channel.name, result.reason));
        return;
      }
      if (result.value === undefined || sameRefs(before[channel.name], result.value)) return;
      refs[channel.name] = result.value;
      changed = true;
    });
    return { refs, changed, failures };
  }

  async pullRequestClosed(pullRequest: PullRequestRef): Promise<NotificationOutcome> {
    return this.#tellEach((channel) => channel.pullRequestClosed?.(pullRequest));
  }

  async configurationInvalid(problems: ConfigurationProblems): Promise<NotificationOutcome> {
    return this.#tellEach((channel) => channel.configurationInvalid?.(problems));
  }

  async stackReleased(release: StackReleaseNotice): Promise<NotificationOutcome> {
    return this.#tellEach((channel) => channel.stackReleased?.(release));
  }

  /** Sends a notice that keeps no message refs to every channel at once; a channel that throws is a failure. */
  async #tellEach(
    send: (channel: NotificationChannel) => Promise<unknown> | undefined,
  ): Promise<NotificationOutcome> {
    const settled = await Promise.allSettled(this.#channels.map(async (channel) => send(channel)));
    const failures = settled.flatMap((result, index) =>
      result.status === 'rejected' ? [toFailure(this.#channels[index]!.name, result.reason)] : [],
    );
    return { refs: {}, changed: false, failures };
  }
}

/** The composite notifier was given channels it cannot tell apart. */
export class NotifierConfigInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifierConfigInvalidError';
  }
}

function toFailure(channel: string, reason: unknown): NotificationFailure {
  if (reason instanceof Error) return { channel, error: reason.name, message: reason.message };
  return { channel, error: 'Error', message: String(reason) };
}

function sameRefs(a: ChannelRefs | undefined, b: ChannelRefs): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === b[key]);
}
