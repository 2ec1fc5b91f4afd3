import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import {
  type Deployment,
  DeploymentKind,
  type Reason,
  stackKey,
} from '../../domain/deployment/deployment.ts';
import { isSuccessful, isTerminal } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';

/** How long a dependency with neither a deployment at the revision nor an applied revision is waited for. */
export const DEPENDENCY_WAIT_MS = 10 * 60_000;

/** How many of a dependency's newest deployments are searched for the one at the revision. */
const SEARCH_DEPTH = 25;

export interface DependencyGateDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly settings: { readonly defaultRoleArn?: string; readonly dependencyWaitMs?: number };
}

/** Where a deployment stands against its dependencies at its revision. */
export type DependencyGate =
  /** Every dependency is in place; `parameters` are the `fromStack` parameters, resolved. */
  | { readonly kind: 'met'; readonly parameters: Readonly<Record<string, string>> }
  /** Some dependencies have not finished at the revision: plan after them. */
  | { readonly kind: 'waiting'; readonly waitingFor: readonly string[] }
  /** A dependency failed (or an output is missing): the deployment stops with this reason. */
  | { readonly kind: 'blocked'; readonly reason: Reason };

/** Where one dependency stands. */
type DependencyState =
  | { readonly kind: 'ok' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'blocked'; readonly reason: Reason };

/**
 * Decides whether a stack may be planned now: each dependency (`dependsOn` and every `fromStack`)
 * must have a deployment at the same revision that ended SUCCEEDED or NO_CHANGES, or, when none
 * of its deployments is at the revision, an applied revision. A dependency that ended any other
 * way stops the stack with its reason. Then the `fromStack` parameters are read from the
 * dependencies' live stacks. Only deploys wait; previews and drift reverts read the outputs the
 * live stacks have now.
 *
 * @example
 * const gate = await dependencyGate(deps, { deployment, configuration, stackConfig });
 * if (gate.kind === 'met') stackConfig = { ...stackConfig, parameters: { ...stackConfig.parameters, ...gate.parameters } };
 */
export async function dependencyGate(
  deps: DependencyGateDeps,
  input: {
    readonly deployment: Deployment;
    readonly configuration: Configuration;
    readonly stackConfig: StackConfig;
  },
): Promise<DependencyGate> {
  const { deployment, configuration, stackConfig } = input;

  // Deploys wait for their dependencies' deployments at the same revision.
  if (deployment.kind === DeploymentKind.DEPLOY) {
    const waitingFor: string[] = [];
    for (const name of stackConfig.dependsOn) {
      const dependency = configuration.stacks.find((s) => s.name === name);
      if (!dependency) continue;
      const state = await dependencyState(deps, deployment, dependency);
      if (state.kind === 'blocked') return state;
      if (state.kind === 'pending') waitingFor.push(name);
    }
    if (waitingFor.length > 0) return { kind: 'waiting', waitingFor };
  }

  // Read each `fromStack` parameter from its stack's live outputs.
  const parameters: Record<string, string> = {};
  for (const [parameter, from] of Object.entries(stackConfig.outputParameters)) {
    const dependency = configuration.stacks.find((s) => s.name === from.fromStack);
    const roleArn = dependency?.roleArn ?? deps.settings.defaultRoleArn;
    const live = await deps.stacks.describeStack({
      stackName: from.fromStack,
      region: dependency?.region ?? deployment.stack.region,
      ...(roleArn ? { roleArn } : {}),
    });
    const value = live?.outputs?.[from.output];
    if (value === undefined) {
      const has = Object.keys(live?.outputs ?? {});
      const message = !live
        ? `Parameter ${parameter} takes output ${from.output} of ${from.fromStack}, which does not exist yet; deploy ${from.fromStack} first.`
        : `Parameter ${parameter} takes output ${from.output} of ${from.fromStack}, which has no such output (${has.length > 0 ? `it has ${has.join(', ')}` : 'it has none'}); add it to the template's Outputs or name another one.`;
      return { kind: 'blocked', reason: { code: ReasonCode.OUTPUT_NOT_FOUND, message } };
    }
    parameters[parameter] = value;
  }
  return { kind: 'met', parameters };
}

/**
 * The dependency's deployment at the revision (newest first), if any. Drift reverts and previews
 * take no part: only a deploy moves the stack to the revision.
 */
export async function deploymentAtRevision(
  { store }: { readonly store: Store },
  key: string,
  of: Pick<Deployment, 'repository' | 'revision'>,
): Promise<Deployment | undefined> {
  const recent = await store.listDeployments(key, { limit: SEARCH_DEPTH });
  return [...recent]
    .sort((a, b) => b.id.localeCompare(a.id))
    .find(
      (d) => d.kind === DeploymentKind.DEPLOY && d.revision === of.revision && d.repository === of.repository,
    );
}

/** The stack key of a configured stack, as plan jobs name it. */
export function configuredStackKey(stack: Pick<StackConfig, 'name' | 'region'>): string {
  return stackKey({ stackName: stack.name, region: stack.region });
}

async function dependencyState(
  deps: DependencyGateDeps,
  deployment: Deployment,
  dependency: StackConfig,
): Promise<DependencyState> {
  const key = configuredStackKey(dependency);
  const short = deployment.revision.slice(0, 12);
  const found = await deploymentAtRevision(deps, key, deployment);
  if (found) {
    if (isSuccessful(found.status)) return { kind: 'ok' };
    if (!isTerminal(found.status)) return { kind: 'pending' };
    const why = found.reason?.message ? `: ${found.reason.message}` : '';
    return {
      kind: 'blocked',
      reason: {
        code: ReasonCode.DEPENDENCY_FAILED,
        message: `Dependency ${dependency.name} did not deploy ${short}: its deployment ${found.id} ended ${found.status}${why}. Fix ${dependency.name} and push again.`,
      },
    };
  }
  // Not deployed in this revision: in place if it was ever applied (its plan may not have started yet).
  const state = await deps.store.getStackState(key);
  if (state?.lastAppliedRevision) return { kind: 'ok' };
  const waited = deps.clock.now() - Date.parse(deployment.createdAt);
  if (waited < (deps.settings.dependencyWaitMs ?? DEPENDENCY_WAIT_MS)) return { kind: 'pending' };
  return {
    kind: 'blocked',
    reason: {
      code: ReasonCode.DEPENDENCY_FAILED,
      message: `Dependency ${dependency.name} has no deployment at ${short} and was never deployed; change it in a push (or remove the dependency) so it deploys first.`,
    },
  };
}
