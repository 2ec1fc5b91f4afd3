import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { StackBusyError } from './stack-busy-error.ts';
import { isInProgress, isUpdatable } from './stack-status.ts';
import { iso, supersede } from './supersede.ts';

export interface ExecuteDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly settings: {
    /** How long the stack lock holds without being released (the longest stack operation). */
    readonly lockLeaseMs: number;
  };
}

export type ExecuteResult =
  | { readonly outcome: 'executing' | 'failed' | 'superseded'; readonly deployment: Deployment }
  | { readonly outcome: 'skipped'; readonly reason: string };

/**
 * Executes an approved change set, one stack at a time. Everything the approval depended on is
 * checked again under the stack lock, just before ExecuteChangeSet. Throws StackBusyError (retry
 * later) while another execution holds the stack or the stack is mid-operation.
 */
export async function executeDeployment(
  deps: ExecuteDeps,
  input: { deploymentId: string },
): Promise<ExecuteResult> {
  const { store, stacks, clock } = deps;
  const actor = 'system:execute';

  // Only an APPROVED deployment executes; duplicates of the job find it EXECUTING or done.
  const found = await store.getDeployment(input.deploymentId);
  if (!found) return { outcome: 'skipped', reason: `deployment ${input.deploymentId} does not exist` };
  if (found.status !== DeploymentStatus.APPROVED)
    return { outcome: 'skipped', reason: `deployment is ${found.status}` };

  // Take the stack lock (a lease, conditional write); busy means retry later.
  const owner = found.id;
  if (!(await store.acquireLock(found.stackKey, owner, clock.now(), deps.settings.lockLeaseMs))) {
    throw new StackBusyError(found.stackKey, 'another execution holds the lock');
  }
  const fail = async (deployment: Deployment, code: ReasonCode, message: string): Promise<ExecuteResult> => {
    const failed = await store.transition(
      deployment.id,
      deployment.status,
      nextStatus(deployment, DeploymentStatus.FAILED, { reason: { code, message } }, clock.now()),
      {
        subject: `deployment#${deployment.id}`,
        action: 'failed',
        actor,
        reason: message,
        at: iso(clock),
      },
    );
    await store.releaseLock(failed.stackKey, owner);
    await notify(deps, failed, { event: message, awaitingApproval: false });
    return { outcome: 'failed', deployment: failed };
  };

  try {
    // Re-read under the lock: still APPROVED?
    const deployment = (await store.getDeployment(found.id))!;
    if (deployment.status !== DeploymentStatus.APPROVED) {
      await store.releaseLock(found.stackKey, owner);
      return { outcome: 'skipped', reason: `deployment is ${deployment.status}` };
    }
    const changeSet = deployment.changeSet;

    // An approval must name this exact deployment and change set, enough of them for the rule.
    const approvers = new Set(
      (await store.listApprovals(deployment.id))
        .filter(
          (a) =>
            a.decision === 'approve' && a.deploymentId === deployment.id && a.changeSetId === changeSet?.id,
        )
        .map((a) => a.approver),
    );
    const needed = Math.max(1, deployment.approval?.required ?? 1);
    if (!changeSet || !(approvers.has('policy:auto-approve') || approvers.size >= needed)) {
      return await fail(
        deployment,
        ReasonCode.APPROVAL_MISSING,
        'No approval names this deployment and change set; it will not execute.',
      );
    }

    // Still the newest plan of the stack? Otherwise it is superseded, never executed.
    const state = await store.getStackState(deployment.stackKey);
    if (state?.lastAttemptedDeploymentId && state.lastAttemptedDeploymentId > deployment.id) {
      await supersede(
        deps,
        deployment,
        { id: state.lastAttemptedDeploymentId, revision: state.lastAttemptedRevision ?? '' },
        actor,
      );
      await store.releaseLock(deployment.stackKey, owner);
      return { outcome: 'superseded', deployment: (await store.getDeployment(deployment.id))! };
    }

    // The change set must still be AVAILABLE.
    const current = await stacks.describeChangeSet(deployment.stack, changeSet.id).catch(() => undefined);
    if (current?.executionStatus !== 'AVAILABLE') {
      return await fail(
        deployment,
        ReasonCode.CHANGE_SET_NOT_AVAILABLE,
        `Change set ${changeSet.name} is ${current?.executionStatus ?? 'gone'}; plan the revision again.`,
      );
    }

    // The stack must be stable: mid-operation means retry later; a broken stack fails.
    const live = await stacks.describeStack(deployment.stack);
    if (live && isInProgress(live.status))
      throw new StackBusyError(deployment.stackKey, `stack is ${live.status}`);
    if (live && !isUpdatable(live.status)) {
      return await fail(
        deployment,
        ReasonCode.STACK_NOT_UPDATABLE,
        `${deployment.stack.stackName} is ${live.status}; fix the stack before deploying.`,
      );
    }

    // Mark EXECUTING first, so stack events always find it, then execute with the deployment id as token.
    const executing = await store.transition(
      deployment.id,
      DeploymentStatus.APPROVED,
      nextStatus(deployment, DeploymentStatus.EXECUTING, {}, clock.now()),
      {
        subject: `deployment#${deployment.id}`,
        action: 'executing',
        actor,
        at: iso(clock),
      },
    );
    try {
      await stacks.executeChangeSet(deployment.stack, changeSet.id, deployment.id);
    } catch (error) {
      return await fail(
        executing,
        ReasonCode.EXECUTE_REFUSED,
        error instanceof Error ? error.message : String(error),
      );
    }
    await notify(deps, executing, { event: 'executing', awaitingApproval: false });
    return { outcome: 'executing', deployment: executing };
  } catch (error) {
    // Nothing is executing: release the lock so the retry (or the next deployment) can take it.
    // (A duplicate job that lost the race to EXECUTING must not release the running execution's lock.)
    const now = await store.getDeployment(found.id);
    if (now?.status !== DeploymentStatus.EXECUTING) await store.releaseLock(found.stackKey, owner);
    throw error;
  }
}
