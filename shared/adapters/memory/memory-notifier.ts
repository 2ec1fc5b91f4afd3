import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { NotificationContext, Notifier } from '../../ports/notifier.ts';

/** Records every notification, for tests and the local function host's log. */
export class MemoryNotifier implements Notifier {
  readonly sent: { deployment: Deployment; context: NotificationContext }[] = [];

  async deploymentChanged(deployment: Deployment, context: NotificationContext): Promise<void> {
    this.sent.push({ deployment, context });
  }

  /** The statuses notified for one deployment, in order. */
  statuses(deploymentId: string): string[] {
    return this.sent.filter((n) => n.deployment.id === deploymentId).map((n) => n.deployment.status);
  }
}
