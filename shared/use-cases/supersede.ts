import type { Deployment } from '../domain/deployment/deployment.ts';
import type { Clock } from '../ports/clock.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';
import { moveDeployment } from './move-deployment.ts';

/**
 * Ends `older` as SUPERSEDED by `newer` and deletes its change set. A deployment that moved on
 * meanwhile (executing, say) is left alone. Returns the superseded deployment, or `undefined`.
 */
export async function supersede(
  deps: { store: Store; stacks: Stacks; clock: Clock },
  older: Deployment,
  newer: { readonly deploymentId: string; readonly revision: string },
  actor: string,
): Promise<Deployment | undefined> {
  const superseded = await moveDeployment(
    deps,
    older,
    { type: 'SUPERSEDED', by: newer },
    { action: 'superseded', actor },
  );
  if (superseded) await deleteChangeSetOf(deps.stacks, older);
  return superseded;
}
