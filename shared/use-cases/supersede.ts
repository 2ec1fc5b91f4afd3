import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentStatus, isSupersedable } from '../domain/deployment/deployment-status.ts';
import type { Clock } from '../ports/clock.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { nextStatus } from './interim/transitions.ts';
import { ReasonCode } from './reason-code.ts';

/**
 * Ends `older` as SUPERSEDED by `newer` and deletes its change set. A deployment that moved on
 * meanwhile (approved and executing, say) is left alone: the conditional write lost the race.
 * Returns whether it superseded it.
 */
export async function supersede(
  { store, stacks, clock }: { store: Store; stacks: Stacks; clock: Clock },
  older: Deployment,
  newer: Pick<Deployment, 'id' | 'revision'>,
  actor: string,
): Promise<boolean> {
  if (!isSupersedable(older.status)) return false;
  const reason = {
    code: ReasonCode.NEWER_REVISION,
    message: `Revision ${newer.revision.slice(0, 7)} (deployment ${newer.id}) replaced it.`,
  };
  try {
    await store.transition(
      older.id,
      older.status,
      nextStatus(older, DeploymentStatus.SUPERSEDED, { reason }, clock.now()),
      {
        subject: `deployment#${older.id}`,
        action: 'superseded',
        actor,
        reason: reason.message,
        at: iso(clock),
      },
    );
  } catch (error) {
    const current = await store.getDeployment(older.id);
    if (current && current.status !== older.status) return false;
    throw error;
  }
  if (older.changeSet) await stacks.deleteChangeSet(older.stack, older.changeSet.id);
  return true;
}

/** The clock's instant as ISO 8601. */
export function iso(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
