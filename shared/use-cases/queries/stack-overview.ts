import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus, isTerminal } from '../../domain/deployment/deployment-status.ts';
import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import type { Suspension } from '../../domain/window/execution-hold.ts';
import type { DriftStore } from '../../ports/drift-store.ts';
import type { StackState, Store } from '../../ports/store.ts';
import { executionHoldOf } from '../execution/execution-hold-of.ts';

/** One managed stack as an operator sees it: what is applied, what is in flight, what drifted. */
export interface StackOverview {
  readonly stackKey: string;
  readonly stackName: string;
  readonly region: string;
  readonly repository?: string;
  readonly applied?: { readonly revision: string; readonly deploymentId: string; readonly at: string };
  /** The newest deployment of the stack, whatever its status. */
  readonly latest?: Deployment;
  /** Deployments not yet in a terminal status, newest first. */
  readonly pending: readonly Deployment[];
  /** The newest drift record, if a sweep has looked at the stack. */
  readonly drift?: DriftRecord;
  /** The stack lock as stored, when it is held now. */
  readonly lock?: StackState['lock'];
  /** Set while the stack is suspended (`converge suspend`). */
  readonly suspended?: Suspension;
  /** Approved deployments that wait (suspended, or outside their deploy windows), and until when. */
  readonly held?: readonly HeldDeployment[];
}

/** An approved deployment whose execution waits, and why. */
export interface HeldDeployment {
  readonly deploymentId: string;
  readonly kind: 'suspended' | 'window';
  readonly message: string;
  /** When its windows next allow it (ISO 8601). */
  readonly mayRunAt?: string;
}

/**
 * Every stack Converge has state for, with its last applied revision, the deployments in flight
 * and the latest drift found: the answer to "what is deployed where, and what is happening".
 *
 * @example
 * for (const stack of await stackOverview(deps)) console.log(stack.stackName, stack.latest?.status);
 */
export async function stackOverview(
  deps: { store: Store; drift?: DriftStore; clock: { now(): number } },
  options: { stackName?: string; deploymentsPerStack?: number } = {},
): Promise<readonly StackOverview[]> {
  const states = (await deps.store.listStackStates()).filter(
    (state) => !options.stackName || stackNameOf(state.stackKey) === options.stackName,
  );
  return Promise.all(states.map((state) => overviewOf(deps, state, options.deploymentsPerStack ?? 20)));
}

async function overviewOf(
  deps: { store: Store; drift?: DriftStore; clock: { now(): number } },
  state: StackState,
  limit: number,
): Promise<StackOverview> {
  const deployments = await deps.store.listDeployments(state.stackKey, { limit });
  const [latest] = deployments;
  const [drift] = (await deps.drift?.listDriftRecords(state.stackKey, { limit: 1 })) ?? [];
  const lockHeld = state.lock && state.lock.expiresAt > deps.clock.now();
  const held: HeldDeployment[] = [];
  for (const deployment of deployments.filter((d) => d.status === DeploymentStatus.APPROVED)) {
    const hold = await executionHoldOf(deps, deployment, deps.clock.now());
    if (hold.held)
      held.push({
        deploymentId: deployment.id,
        kind: hold.kind,
        message: hold.message,
        ...(hold.kind === 'window' && hold.mayRunAt ? { mayRunAt: hold.mayRunAt } : {}),
      });
  }
  return {
    stackKey: state.stackKey,
    stackName: latest?.stack.stackName ?? stackNameOf(state.stackKey),
    region: latest?.stack.region ?? regionOf(state.stackKey),
    ...(latest ? { repository: latest.repository } : {}),
    ...(state.lastAppliedRevision && state.lastAppliedDeploymentId && state.lastAppliedAt
      ? {
          applied: {
            revision: state.lastAppliedRevision,
            deploymentId: state.lastAppliedDeploymentId,
            at: state.lastAppliedAt,
          },
        }
      : {}),
    ...(latest ? { latest } : {}),
    pending: deployments.filter((deployment) => !isTerminal(deployment.status)),
    ...(drift ? { drift } : {}),
    ...(lockHeld ? { lock: state.lock } : {}),
    ...(state.suspended ? { suspended: state.suspended } : {}),
    ...(held.length > 0 ? { held } : {}),
  };
}

/** `<account>/<region>/<name>` → name. */
function stackNameOf(key: string): string {
  return key.split('/').at(-1) ?? key;
}

function regionOf(key: string): string {
  const parts = key.split('/');
  return parts.length >= 3 ? (parts[parts.length - 2] ?? '') : '';
}
