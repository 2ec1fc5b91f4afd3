import type { Deployment } from '../domain/deployment/deployment.ts';

/**
 * Tells people what is happening. Slack keeps one message per deployment, updated in place;
 * GitHub gets a commit status / check run per stack and a PR comment for previews.
 */
export interface Notifier {
  /** Creates or updates the deployment's message (approval request, progress, outcome). */
  deploymentChanged(deployment: Deployment, context: NotificationContext): Promise<void>;
}

export interface NotificationContext {
  /** A short line on what happened, e.g. "approved by slack:U0123". */
  readonly event: string;
  readonly commitMessage?: string;
  /** Where people can act: approval buttons are shown only when true. */
  readonly awaitingApproval: boolean;
}
