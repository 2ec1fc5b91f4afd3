import type { Deployment } from '../domain/deployment/deployment.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotificationContext, Notifier } from '../ports/notifier.ts';
import type { Store } from '../ports/store.ts';
import { iso, subjectOf } from './move-deployment.ts';

/**
 * Tells people about a deployment and keeps where each channel posted (`notifications`), so the
 * next call edits the same message. A channel that fails never undoes or blocks the state change
 * it reports; the failure goes to the audit trail. Returns the deployment as stored afterwards.
 */
export async function notify(
  { notifier, store, clock }: { notifier: Notifier; store: Store; clock: Clock },
  deployment: Deployment,
  context: NotificationContext,
): Promise<Deployment> {
  const outcome = await notifier.deploymentChanged(deployment, context);
  for (const failure of outcome.failures) {
    await store.appendAudit({
      subject: subjectOf(deployment.id),
      action: 'notify-failed',
      actor: `system:${failure.channel}`,
      reason: `${failure.error}: ${failure.message}`,
      at: iso(clock),
    });
  }
  if (!outcome.changed) return deployment;
  // Keep the refs with the deployment; the status stays as it is (conditional on it, too).
  return store
    .transition(
      deployment.id,
      deployment.status,
      { status: deployment.status, updatedAt: iso(clock), notifications: outcome.refs },
      {
        subject: subjectOf(deployment.id),
        action: 'notified',
        actor: 'system:notify',
        at: iso(clock),
        data: { channels: Object.keys(outcome.refs) },
      },
    )
    .catch(() => deployment);
}
