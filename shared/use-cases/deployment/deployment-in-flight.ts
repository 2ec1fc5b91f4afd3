import { DeploymentKind } from '../../domain/deployment/deployment.ts';
import { isTerminal } from '../../domain/deployment/deployment-status.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../ports/store.ts';

/** How many of a stack's newest deployments to look at: in-flight ones are always among the newest. */
const RECENT = 20;

/**
 * Whether a deployment of the stack is planning, awaiting approval, approved or executing, or
 * its lock is held: drift found now could be the deployment's own doing, so the sweep leaves the
 * stack for the next run. Previews never change a stack and do not count; nor does `except`, the
 * drift revert a retried detection is itself planning.
 */
export async function deploymentInFlight(
  { store, clock }: { store: Store; clock: Clock },
  stackKey: string,
  options: { readonly except?: string } = {},
): Promise<boolean> {
  const state = await store.getStackState(stackKey);
  // The lock of `except` itself (the revert of this very detection, now executing) is no other deployment.
  if (state?.lock && state.lock.expiresAt > clock.now() && state.lock.owner !== options.except) return true;
  const recent = await store.listDeployments(stackKey, { limit: RECENT });
  return recent.some(
    (d) => d.id !== options.except && d.kind !== DeploymentKind.PREVIEW && !isTerminal(d.status),
  );
}
