import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import type { DeploymentEvent } from '../../domain/deployment/deployment-event.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { isTerminal } from '../../domain/deployment/deployment-status.ts';
import { nextStatus } from '../../domain/deployment/transitions.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Queue } from '../../ports/queue.ts';
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
  deps: { store: Store; clock: Clock; queue?: Queue },
  deployment: Deployment,
  event: DeploymentEvent,
  note: AuditNote,
  extra: Partial<DeploymentPatch> = {},
): Promise<Deployment | undefined> {
  const { store, clock } = deps;
  const next = nextStatus(deployment, event, clock.now());
  if (!next.ok) return undefined;
  let moved: Deployment;
  try {
    moved = await store.transition(
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
  await releaseDependentsOf(deps, moved);
  return moved;
}

/**
 * A deploy that ended queues the release of the stacks waiting for it at its revision
 * (`releaseDependents`). Every transition through {@link moveDeployment} does this; a write
 * that bundles its transition with something else (a vote) calls it itself. Whoever ends it has the queue; without one (or if the send fails)
 * reconcile resumes the waiting stacks on its schedule.
 */
export async function releaseDependentsOf(deps: { queue?: Queue }, moved: Deployment): Promise<void> {
  if (!deps.queue || moved.kind !== DeploymentKind.DEPLOY || !isTerminal(moved.status)) return;
  await deps.queue
    .send(
      { type: 'dependency-closed', deploymentId: moved.id, stackKey: moved.stackKey },
      { group: moved.stackKey, dedupeId: dedupeId('dependency-closed', moved.id) },
    )
    .catch(() => undefined);
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
