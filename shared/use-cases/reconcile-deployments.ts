import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { type CloseDeps, closeExecution } from './close-execution.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';
import { moveDeployment } from './move-deployment.ts';
import { notify } from './notify.ts';
import { operationOutcome } from './stack-status.ts';

export interface ReconcileResult {
  /** EXECUTING deployments closed from the stack's live status (their event never came). */
  readonly closed: number;
  /** AWAITING_APPROVAL deployments past their expiresAt. */
  readonly expired: number;
}

/**
 * The safety net behind the event-driven path, run on a schedule: closes executions whose stack
 * event was lost, and expires approval requests nobody answered in time. Expiry is decided here
 * from `expiresAt`, never by TTL deletion.
 */
export async function reconcileDeployments(
  deps: CloseDeps,
  options: { limit?: number } = {},
): Promise<ReconcileResult> {
  const { store, stacks, clock } = deps;
  const actor = 'system:reconcile';
  let closed = 0;
  let expired = 0;

  // Close EXECUTING deployments whose stack operation already ended (or whose stack is gone).
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.EXECUTING, options)) {
    const live = await stacks.describeStack(deployment.stack);
    const outcome = live ? operationOutcome(live.status) : 'failed';
    if (!outcome) continue;
    const done = await closeExecution(
      deps,
      deployment,
      { succeeded: outcome === 'succeeded', stackStatus: live?.status, statusReason: live?.statusReason },
      actor,
    );
    if (done) closed += 1;
  }

  // Expire approval requests past expiresAt and delete their change sets.
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL, options)) {
    if (!deployment.expiresAt || Date.parse(deployment.expiresAt) > clock.now()) continue;
    const ended = await moveDeployment(
      deps,
      deployment,
      { type: 'EXPIRED' },
      { action: 'expired', actor, reason: `expired at ${deployment.expiresAt}` },
    );
    if (!ended) continue;
    await deleteChangeSetOf(stacks, deployment);
    await notify(deps, ended, { event: 'approval request expired' });
    expired += 1;
  }
  return { closed, expired };
}
