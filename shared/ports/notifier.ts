import type { ConfigurationIssue } from '../domain/config/configuration-error.ts';
import type { Deployment, NotificationRefs } from '../domain/deployment/deployment.ts';
import type { ResourceDrift } from './stacks.ts';

/**
 * Tells people what is happening. Slack keeps one message per deployment, updated in place;
 * GitHub gets a check run (or commit status) per stack and a PR comment for previews.
 *
 * Functions are stateless, so the notifier returns where it put its messages
 * ({@link NotificationOutcome.refs}); the use case stores them as `Deployment.notifications`
 * and passes the deployment back next time, and the message is edited instead of reposted.
 * The runtime composes channels with `CompositeNotifier`, which never throws: a failing
 * channel is reported in `failures` and does not block the others.
 *
 * @example
 * const outcome = await notifier.deploymentChanged(deployment, { event: 'approval requested' });
 * for (const failure of outcome.failures) logger.warn('notification failed', { ...failure });
 * if (outcome.changed) patch.notifications = outcome.refs; // stored with the next write
 */
export interface Notifier {
  /** Creates or updates every channel's message about the deployment (request, progress, outcome). */
  deploymentChanged(deployment: Deployment, context: NotificationContext): Promise<NotificationOutcome>;
  /** A pull request closed: remove what previews posted on it (the preview comment of the stack). */
  pullRequestClosed(pullRequest: PullRequestRef): Promise<NotificationOutcome>;
  /**
   * A pushed revision's `converge.yaml` (or a file it names) has problems, so nothing of the
   * push is planned: every channel tells every problem (the commit's check, a chat message).
   */
  configurationInvalid(problems: ConfigurationProblems): Promise<NotificationOutcome>;
  /** A stack left converge.yaml and Converge released it: no longer managed, left as it is. Told once. */
  stackReleased?(release: StackReleaseNotice): Promise<NotificationOutcome>;
}

/** A stack Converge stopped managing because it left converge.yaml. */
export interface StackReleaseNotice {
  readonly repository: string;
  /** The revision whose converge.yaml no longer names the stack. */
  readonly revision: string;
  readonly stackName: string;
  readonly region: string;
  /** What happened and what a person can do, in one line. */
  readonly message: string;
}

/** A revision whose configuration cannot be used, with every problem found in it. */
export interface ConfigurationProblems {
  /** `owner/name`. */
  readonly repository: string;
  /** The commit the problems are in. */
  readonly revision: string;
  /** The pushed ref, e.g. `refs/heads/main` (`refs/pull/7/head` for a pull request). */
  readonly ref: string;
  /** The pull request whose head it is; its problems go to the pull request, not to chat. */
  readonly pullRequest?: number;
  /** The configuration file, e.g. `converge.yaml`. */
  readonly file: string;
  /** Every problem, sorted by file and position (at least one). */
  readonly issues: readonly ConfigurationIssue[];
}

export interface NotificationContext {
  /** A short line on what happened, e.g. "approved by slack:U0123". */
  readonly event: string;
  readonly commitMessage?: string;
  /**
   * Whether people can act now: approval buttons are shown only when true. Defaults to
   * `deployment.status === 'AWAITING_APPROVAL'`; buttons never show in any other status.
   */
  readonly awaitingApproval?: boolean;
  /** What drifted, when the deployment reverts drift (`kind: 'revert-drift'`). */
  readonly drift?: readonly ResourceDrift[];
  /** A page with the deployment's details (the Converge UI), linked from messages. */
  readonly detailsUrl?: string;
}

/** What a notification call did, channel by channel. */
export interface NotificationOutcome {
  /** `Deployment.notifications` after this call (earlier refs kept, new ones added). */
  readonly refs: NotificationRefs;
  /** True when `refs` differs from what the deployment had: store it. */
  readonly changed: boolean;
  /** Channels that failed; every other channel was still notified. For logs, never for control flow. */
  readonly failures: readonly NotificationFailure[];
}

export interface NotificationFailure {
  /** The channel's name (`slack`, `github`). */
  readonly channel: string;
  /** The error's name, e.g. `HttpError`, `SlackApiError`. */
  readonly error: string;
  /** The error's message; adapters keep secrets out of it. */
  readonly message: string;
}

/** A pull request that previews were posted on. */
export interface PullRequestRef {
  /** `owner/name`. */
  readonly repository: string;
  readonly pullRequest: number;
  /** Only this stack's preview; all of Converge's previews on the PR when absent. */
  readonly stackKey?: string;
}

/**
 * One place notifications go (Slack, GitHub). A channel reads its own earlier refs and returns
 * its refs now; it may throw, and `CompositeNotifier` turns that into a failure.
 */
export interface NotificationChannel {
  /** Key of this channel's refs in `Deployment.notifications`. */
  readonly name: string;
  deploymentChanged(
    deployment: Deployment,
    context: NotificationContext,
    previous: ChannelRefs | undefined,
  ): Promise<ChannelRefs | undefined>;
  pullRequestClosed?(pullRequest: PullRequestRef): Promise<void>;
  /** Tells of a revision whose configuration cannot be used; a channel without it says nothing. */
  configurationInvalid?(problems: ConfigurationProblems): Promise<void>;
  /** Tells that a stack was released; a channel without it says nothing. */
  stackReleased?(release: StackReleaseNotice): Promise<void>;
}

/** One channel's refs: string fields only (e.g. `{ channel: 'C1', ts: '1700000000.000100' }`). */
export type ChannelRefs = Readonly<Record<string, string>>;

/** Where to answer the person who voted, privately. */
export type VoterReplyTarget = {
  readonly via: 'slack';
  /** The Slack user who clicked. */
  readonly userId: string;
  /** Where the click happened, for an ephemeral message when there is no response URL. */
  readonly channelId?: string;
  /** Slack's `response_url` for this interaction (valid for 30 minutes, up to 5 answers). */
  readonly responseUrl?: string;
};

/** Answers one person about their vote, e.g. why it did not count. Nobody else sees it. */
export interface VoterReplies {
  replyToVoter(target: VoterReplyTarget, text: string): Promise<void>;
}
