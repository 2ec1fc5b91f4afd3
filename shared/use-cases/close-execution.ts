import type { Deployment, Reason } from '../domain/deployment/deployment.ts';
import { ReasonCode } from '../domain/deployment/reason-code.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { iso, moveDeployment } from './move-deployment.ts';
import { notify } from './notify.ts';

export interface CloseDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly notifier: Notifier;
}

/** How the stack operation ended; `stackStatus` undefined means the stack no longer exists. */
export interface ExecutionOutcome {
  readonly succeeded: boolean;
  readonly stackStatus: string | undefined;
  readonly statusReason?: string;
}

/**
 * Ends an EXECUTING deployment the way its stack operation ended: SUCCEEDED (and the revision
 * recorded as applied, so its converge.yaml becomes trusted) or FAILED with the failing
 * resources. Releases the stack lock either way. Returns `undefined` when another event or the
 * reconciler closed it first.
 */
export async function closeExecution(
  deps: CloseDeps,
  deployment: Deployment,
  outcome: ExecutionOutcome,
  actor: string,
): Promise<Deployment | undefined> {
  const { store, stacks, clock } = deps;
  let closed: Deployment | undefined;
  if (outcome.succeeded) {
    // Success: SUCCEEDED, and this revision becomes the stack's last applied one.
    closed = await moveDeployment(
      deps,
      deployment,
      { type: 'EXECUTION_SUCCEEDED' },
      { action: 'succeeded', actor, reason: outcome.stackStatus },
    );
    if (closed)
      await store.recordApplied(deployment.stackKey, deployment.revision, deployment.id, iso(clock));
  } else {
    // Failure: FAILED with what CloudFormation said about each failing resource.
    const failures = await stacks
      .failedResourceEvents(deployment.stack, deployment.updatedAt)
      .catch(() => []);
    const reason: Reason = {
      code: outcome.stackStatus ? ReasonCode.ROLLED_BACK : ReasonCode.STACK_DISAPPEARED,
      message: `${deployment.stack.stackName} ended ${outcome.stackStatus ?? 'deleted'}${outcome.statusReason ? `: ${outcome.statusReason}` : ''}`,
      details: failures.map((f) => ({ logicalId: f.logicalId, status: f.status, reason: f.reason })),
    };
    closed = await moveDeployment(
      deps,
      deployment,
      { type: 'EXECUTION_FAILED', reason },
      { action: 'failed', actor, reason: reason.message },
    );
  }
  if (!closed) return undefined;

  // Release the stack for the next execution, then tell people.
  await store.releaseLock(deployment.stackKey, deployment.id);
  return notify(deps, closed, {
    event: `${closed.status.toLowerCase()}: ${outcome.stackStatus ?? 'stack deleted'}`,
  });
}
