import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { Store } from '../../ports/store.ts';
import { DriftSweepInputError } from './drift-sweep-input-error.ts';

/** A stack Converge manages: where it lives and the revision last applied to it. */
export interface ManagedStack {
  readonly stackKey: string;
  readonly stack: Deployment['stack'];
  readonly repository: string;
  readonly revision: string;
}

/**
 * The stacks Converge has applied at least once and not released: the store's stack states with a last applied
 * deployment, which names the repository, the stack's region and role, and the revision whose
 * configuration is trusted. `stackNames` narrows the list (`converge drift sweep --stack`); a
 * name that matches nothing is refused, so a typo does not pass as "no drift".
 *
 * @throws DriftSweepInputError naming the stacks that are not managed.
 */
export async function managedStacks(
  { store }: { store: Store },
  stackNames?: readonly string[],
): Promise<readonly ManagedStack[]> {
  const states = (await store.listStackStates()).filter(
    // A released stack (removed from converge.yaml) is no longer managed.
    (s) => s.lastAppliedDeploymentId && s.lastAppliedRevision && !s.released,
  );
  const stacks: ManagedStack[] = [];
  for (const state of states) {
    const applied = await store.getDeployment(state.lastAppliedDeploymentId!);
    if (!applied) continue;
    stacks.push({
      stackKey: state.stackKey,
      stack: applied.stack,
      repository: applied.repository,
      revision: state.lastAppliedRevision!,
    });
  }
  if (!stackNames || stackNames.length === 0) return stacks;
  const wanted = new Set(stackNames);
  const missing = [...wanted].filter((name) => !stacks.some((s) => s.stack.stackName === name));
  if (missing.length > 0) {
    throw new DriftSweepInputError(
      `No managed stack is named ${missing.join(', ')}; a stack is managed once Converge has deployed it (see converge drift list).`,
    );
  }
  return stacks.filter((s) => wanted.has(s.stack.stackName));
}
