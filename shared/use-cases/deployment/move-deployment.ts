import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { DeploymentEvent } from '../../domain/deployment/deployment-event.ts';
import { nextStatus } from '../../domain/deployment/transitions.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AuditInput, DeploymentPatch, Store } from '../../ports/store.ts';

/** What a state change records in the audit trail besides its subject and time. */
export type AuditNote = Omit<AuditInput, 'subject' | 'at'>;

/**
 * Moves a deployment by `event` through the transition table and writes it conditionally on its
 * current status. Returns the updated deployment, or `undefined` when the table refuses the
 * event (already applied, not allowed now) or another writer moved the deployment first.
 * `extra` adds fields the event does not carry (e.g. a more specific reason).
 */
export async function moveDeployment(
  { store, clock }: { store: Store; clock: Clock },
  deployment: Deployment,
  event: DeploymentEvent,
  note: AuditNote,
  extra: Partial<DeploymentPatch> = {},
): Promise<Deployment | undefined> {
  const next = nextStatus(deployment, event, clock.now());
  if (!next.ok) return undefined;
  try {
    return await store.transition(
      deployment.id,
      next.from,
      { ...next.patch, ...extra },
      {
        ...note,
        subject: subjectOf(deployment.id),
        at: iso(clock),
      },
    );
  } catch (error) {
    const current = await store.getDeployment(deployment.id);
    if (current && current.status !== deployment.status) return undefined;
    throw error;
  }
}

/** The patch `event` makes, for writes that bundle the transition with something else (a vote). */
export function patchFor(
  deployment: Deployment,
  event: DeploymentEvent,
  now: number,
): DeploymentPatch | undefined {
  const next = nextStatus(deployment, event, now);
  return next.ok ? next.patch : undefined;
}
