import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { NotificationContext, Notifier } from '../../ports/notifier.ts';
import type { Store } from '../../ports/store.ts';

/**
 * Tells people about a deployment and keeps where each channel posted (`notifications`), so the
 * next call edits the same message. A channel that fails never undoes or blocks the state change
 * it reports; the failure goes to the audit trail. Saving the refs is not a state change, so it
 * goes through `saveNotifications`, never a transition; a failed save is thrown (refs that were
 * silently dropped would make the next call post a second message instead of editing the first).
 * Returns the deployment as stored afterwards.
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
  // Keep the refs with the deployment, whatever its status is by now.
  return store.saveNotifications(deployment.id, outcome.refs, {
    subject: subjectOf(deployment.id),
    action: 'notified',
    actor: 'system:notify',
    at: iso(clock),
    data: { channels: Object.keys(outcome.refs) },
  });
}
