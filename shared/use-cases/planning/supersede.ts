import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';

/**
 * Ends `older` as SUPERSEDED by `newer`, deletes its change set, and edits its messages in place
 * (the Slack request loses its buttons and names the newer revision; the check run completes).
 * A deployment that moved on meanwhile (executing, say) is left alone. Returns the superseded
 * deployment, or `undefined`.
 */
export async function supersede(
  deps: { store: Store; stacks: Stacks; clock: Clock; notifier: Notifier },
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
  if (!superseded) return undefined;
  await deleteChangeSetOf(deps.stacks, older);
  return notify(deps, superseded, { event: `superseded by ${newer.revision.slice(0, 7)}` });
}
