import type { Deployment } from '../domain/deployment/deployment.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotificationContext, Notifier } from '../ports/notifier.ts';
import type { Store } from '../ports/store.ts';

/**
 * Tells people about a deployment. A notification that cannot be sent never undoes or blocks
 * the state change it reports: the failure goes to the audit trail instead.
 */
export async function notify(
  { notifier, store, clock }: { notifier: Notifier; store: Store; clock: Clock },
  deployment: Deployment,
  context: NotificationContext,
): Promise<void> {
  try {
    await notifier.deploymentChanged(deployment, context);
  } catch (error) {
    await store.appendAudit({
      subject: `deployment#${deployment.id}`,
      action: 'notify-failed',
      actor: 'system:notify',
      reason: error instanceof Error ? error.message : String(error),
      at: new Date(clock.now()).toISOString(),
    });
  }
}
