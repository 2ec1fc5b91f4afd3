import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { iso } from './supersede.ts';

export interface CloseDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly notifier: Notifier;
}

/**
 * Ends an EXECUTING deployment the way its stack operation ended: SUCCEEDED (and the revision
 * recorded as applied) or FAILED with the failing resources. Releases the stack lock either way.
 * Returns `undefined` when another event or the reconciler closed it first.
 */
export async function closeExecution(
  deps: CloseDeps,
  deployment: Deployment,
  outcome: { readonly succeeded: boolean; readonly stackStatus: string; readonly statusReason?: string },
  actor: string,
): Promise<Deployment | undefined> {
  const { store, stacks, clock } = deps;
  const audit = (action: string, reason?: string) => ({
    subject: `deployment#${deployment.id}`,
    action,
    actor,
    reason,
    at: iso(clock),
  });
  let closed: Deployment;
  try {
    if (outcome.succeeded) {
      // Success: SUCCEEDED, and this revision becomes the stack's trusted configuration.
      closed = await store.transition(
        deployment.id,
        DeploymentStatus.EXECUTING,
        nextStatus(deployment, DeploymentStatus.SUCCEEDED, {}, clock.now()),
        audit('succeeded', outcome.stackStatus),
      );
      await store.recordApplied(deployment.stackKey, deployment.revision, deployment.id, iso(clock));
    } else {
      // Failure: FAILED with what CloudFormation said about each failing resource.
      const failures = await stacks
        .failedResourceEvents(deployment.stack, deployment.updatedAt)
        .catch(() => []);
      const reason = {
        code:
          outcome.stackStatus === 'STACK_DISAPPEARED' ? ReasonCode.STACK_DISAPPEARED : ReasonCode.ROLLED_BACK,
        message: `${deployment.stack.stackName} ended ${outcome.stackStatus}${outcome.statusReason ? `: ${outcome.statusReason}` : ''}`,
        details: failures.map((f) => ({ logicalId: f.logicalId, status: f.status, reason: f.reason })),
      };
      closed = await store.transition(
        deployment.id,
        DeploymentStatus.EXECUTING,
        nextStatus(deployment, DeploymentStatus.FAILED, { reason }, clock.now()),
        audit('failed', reason.message),
      );
    }
  } catch (error) {
    const current = await store.getDeployment(deployment.id);
    if (current && current.status !== DeploymentStatus.EXECUTING) return undefined;
    throw error;
  }
  // Release the stack for the next execution, then tell people.
  await store.releaseLock(deployment.stackKey, deployment.id);
  await notify(deps, closed, {
    event: `${closed.status.toLowerCase()}: ${outcome.stackStatus}`,
    awaitingApproval: false,
  });
  return closed;
}
