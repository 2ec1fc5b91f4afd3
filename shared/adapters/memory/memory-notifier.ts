import type { Deployment } from '../../domain/deployment/deployment.ts';
import type {
  ConfigurationProblems,
  NotificationContext,
  NotificationOutcome,
  Notifier,
  PullRequestRef,
  StackReleaseNotice,
} from '../../ports/notifier.ts';

/**
 * Records every notification, for tests and the local function host's log. Like a real channel,
 * it hands back a ref (`memory.message`) the first time, so callers store it and pass it back.
 */
export class MemoryNotifier implements Notifier {
  readonly sent: { deployment: Deployment; context: NotificationContext }[] = [];
  readonly closedPullRequests: PullRequestRef[] = [];
  /** Revisions whose configuration could not be used, as notified. */
  readonly configurationProblems: ConfigurationProblems[] = [];
  /** Stacks released, as notified. */
  readonly released: StackReleaseNotice[] = [];
  /** When set, every notification reports this channel failure instead of succeeding. */
  failWith?: string;

  async deploymentChanged(
    deployment: Deployment,
    context: NotificationContext,
  ): Promise<NotificationOutcome> {
    const before = deployment.notifications ?? {};
    if (this.failWith) {
      return {
        refs: before,
        changed: false,
        failures: [{ channel: 'memory', error: 'Error', message: this.failWith }],
      };
    }
    this.sent.push({ deployment, context });
    if (before.memory) return { refs: before, changed: false, failures: [] };
    return { refs: { ...before, memory: { message: deployment.id } }, changed: true, failures: [] };
  }

  async pullRequestClosed(pullRequest: PullRequestRef): Promise<NotificationOutcome> {
    this.closedPullRequests.push(pullRequest);
    return { refs: {}, changed: false, failures: [] };
  }

  async configurationInvalid(problems: ConfigurationProblems): Promise<NotificationOutcome> {
    if (this.failWith) {
      return {
        refs: {},
        changed: false,
        failures: [{ channel: 'memory', error: 'Error', message: this.failWith }],
      };
    }
    this.configurationProblems.push(structuredClone(problems));
    return { refs: {}, changed: false, failures: [] };
  }

  async stackReleased(release: StackReleaseNotice): Promise<NotificationOutcome> {
    this.released.push({ ...release });
    return { refs: {}, changed: false, failures: [] };
  }

  /** The statuses notified for one deployment, in order. */
  statuses(deploymentId: string): string[] {
    return this.sent.filter((n) => n.deployment.id === deploymentId).map((n) => n.deployment.status);
  }
}
