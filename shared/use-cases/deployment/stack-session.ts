import type { Stacks } from '../../ports/stacks.ts';

/**
 * `deps` whose stacks act in target accounts under the session `session` (the STS
 * `RoleSessionName` the account's CloudTrail shows): the deployment id for everything done for a
 * deployment, {@link driftSession} for a drift sweep. Every other dependency is read through from
 * `deps` as it is (a proxy, so dependencies built on first use stay unbuilt until used).
 *
 * @example
 * const inDeployment = inSession(deps, deployment.id);
 * await inDeployment.stacks.executeChangeSet(deployment.stack, changeSetId, deployment.id);
 */
export function inSession<D extends { readonly stacks: Stacks }>(deps: D, session: string): D {
  const stacks = actingAs(deps.stacks, session);
  if (stacks === deps.stacks) return deps;
  return new Proxy(deps, {
    get: (target, key, receiver) => (key === 'stacks' ? stacks : Reflect.get(target, key, receiver)),
  });
}

/** `stacks` acting under the session `session`. */
export function actingAs(stacks: Stacks, session: string): Stacks {
  return stacks.actingAs(session);
}

/** The session a drift sweep acts under: `converge-drift-<sweep id>`. */
export function driftSession(sweepId: string): string {
  return `converge-drift-${sweepId}`;
}
