import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import { type Deployment, DeploymentKind, type Reason } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { isInProgress, isUpdatable } from '../../domain/stack/stack-statuses.ts';
import { iso } from '../../domain/time.ts';
import type { ExecutionHold } from '../../domain/window/execution-hold.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Queue } from '../../ports/queue.ts';
import { ExecutionStatus, type Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { inSession } from '../deployment/stack-session.ts';
import { AUTO_APPROVER } from '../planning/decide-planned-deployment.ts';
import { StackBusyError } from '../planning/stack-busy-error.ts';
import { supersede } from '../planning/supersede.ts';
import { executionHoldOf } from './execution-hold-of.ts';
import { replanJob } from './replan-job.ts';
import { startExecution } from './start-execution.ts';

export interface ExecuteDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly notifier: Notifier;
  /** Plans the revision again when its change set went stale under it. */
  readonly queue: Queue;
  readonly settings: {
    /** How long the stack lock holds without being released (the longest stack operation). */
    readonly lockLeaseMs: number;
  };
}

export type ExecuteResult =
  | { readonly outcome: 'executing' | 'failed' | 'superseded'; readonly deployment: Deployment }
  | { readonly outcome: 'skipped'; readonly reason: string }
  /** Suspended, or outside its deploy windows: it stays APPROVED and waits (reconcile or resume releases it). */
  | { readonly outcome: 'held'; readonly hold: Extract<ExecutionHold, { held: true }> };

const ACTOR = 'system:execute';

/**
 * Executes an approved change set, one stack at a time. Everything the approval depended on is
 * checked again under the stack lock, just before ExecuteChangeSet. Throws StackBusyError (retry
 * later) while another execution holds the stack or the stack is mid-operation.
 */
export async function executeDeployment(
  given: ExecuteDeps,
  input: { deploymentId: string },
): Promise<ExecuteResult> {
  // Target accounts see the execution under a session named after the deployment.
  const deps = inSession(given, input.deploymentId);
  const { store, stacks, clock } = deps;

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

  try {
    // Re-read under the lock: still APPROVED?
    const deployment = (await store.getDeployment(found.id))!;
    if (deployment.status !== DeploymentStatus.APPROVED) {
      return { outcome: 'skipped', reason: `deployment is ${deployment.status}` };
    }

    // Suspended, or outside its deploy windows: it stays APPROVED, says so, and waits.
    const hold = await executionHoldOf(deps, deployment, clock.now());
    if (hold.held) return holdExecution(deps, deployment, hold);

    // An approval must name this exact deployment and change set, enough of them for the rule.
    if (!(await hasApproval(store, deployment))) {
      return fail(deps, deployment, {
        code: ReasonCode.APPROVAL_MISSING,
        message: 'No approval names this deployment and its change set; it will not execute.',
      });
    }

    // Still the newest plan of the stack? Otherwise it is superseded, never executed. Git history
    // decided which attempt is newest (claimRevision), so any other one replaced this deployment.
    const state = await store.getStackState(deployment.stackKey);
    const newest = state?.lastAttemptedDeploymentId;
    if (newest && newest !== deployment.id) {
      const superseded = await supersede(
        deps,
        deployment,
        { deploymentId: newest, revision: state?.lastAttemptedRevision ?? 'unknown' },
        ACTOR,
      );
      return superseded
        ? { outcome: 'superseded', deployment: superseded }
        : { outcome: 'skipped', reason: 'deployment moved on' };
    }

    // A deletion checks its stack; any other deployment its change set.
    if (deployment.kind === DeploymentKind.DELETE) {
      const refused = await deletionRefusal(stacks, deployment);
      if (refused) return fail(deps, deployment, refused);
    } else {
      // The change set must still be AVAILABLE.
      const changeSet = deployment.changeSet!;
      const current = await stacks.describeChangeSet(deployment.stack, changeSet.id).catch(() => undefined);
      if (current?.executionStatus !== ExecutionStatus.AVAILABLE) {
        // It went stale under a newer stack state: fail it and plan this (newest) revision again.
        const failed = await fail(deps, deployment, {
          code: ReasonCode.CHANGE_SET_OBSOLETE,
          message: `Change set ${changeSet.name} is ${current?.executionStatus ?? 'gone'}; Converge plans ${deployment.revision.slice(0, 12)} again.`,
        });
        if (failed.outcome === 'failed') await planAgain(deps, deployment);
        return failed;
      }

      // The stack must be stable: mid-operation means retry later; a broken stack fails.
      const live = await stacks.describeStack(deployment.stack);
      if (live && isInProgress(live.status))
        throw new StackBusyError(deployment.stackKey, `stack is ${live.status}`);
      if (live && !isUpdatable(live.status)) {
        return fail(deps, deployment, {
          code: ReasonCode.STACK_NOT_UPDATABLE,
          message: `${deployment.stack.stackName} is ${live.status}; repair the stack before deploying.`,
        });
      }
    }

    // Mark EXECUTING first, so stack events always find it, then execute with the deployment id as token.
    const executing = await moveDeployment(
      deps,
      deployment,
      { type: 'EXECUTION_STARTED' },
      { action: AuditAction.EXECUTING, actor: ACTOR },
    );
    if (!executing)
      throw new StackBusyError(deployment.stackKey, 'the deployment changed while it was being started');
    const started = await startExecution(stacks, executing);
    if (started.kind === 'refused') {
      const failed = await fail(deps, executing, started.reason);
      if (failed.outcome === 'failed' && started.reason.code === ReasonCode.CHANGE_SET_OBSOLETE)
        await planAgain(deps, executing);
      return failed;
    }
    // Started, or unresolved: either way EXECUTING with the lock held until evidence closes it.
    return { outcome: 'executing', deployment: await notify(deps, executing, { event: 'executing' }) };
  } finally {
    // The lock stays only with an EXECUTING deployment; every other way out releases it. A
    // duplicate job that lost the race to EXECUTING finds it EXECUTING and leaves the lock alone.
    const now = await store.getDeployment(found.id);
    if (now?.status !== DeploymentStatus.EXECUTING) await store.releaseLock(found.stackKey, owner);
  }
}

/**
 * Queues a fresh plan of the deployment's revision (a new deployment, approved afresh), so the
 * stack still converges on the newest commit. Previews and drift reverts are left to their
 * own triggers (the next push, the next sweep).
 */
async function planAgain({ queue, clock }: ExecuteDeps, deployment: Deployment): Promise<void> {
  if (deployment.kind !== 'deploy') return;
  await queue.send(
    replanJob(deployment, { requestedAt: clock.now(), deliveryId: `replan:${deployment.id}` }),
    { group: deployment.stackKey, dedupeId: dedupeId('replan', deployment.id) },
  );
}

/** An approval naming this deployment and its change set: the policy's, or enough distinct people. */
async function hasApproval(store: Store, deployment: Deployment): Promise<boolean> {
  const changeSetId = deployment.changeSet?.id;
  if (!changeSetId) return false;
  const approvers = new Set(
    (await store.listApprovals(deployment.id))
      .filter(
        (a) => a.decision === 'approve' && a.deploymentId === deployment.id && a.changeSetId === changeSetId,
      )
      .map((a) => a.approver),
  );
  // A deletion counts people only: the policy never approves one.
  const auto = approvers.has(AUTO_APPROVER) && deployment.kind !== DeploymentKind.DELETE;
  approvers.delete(AUTO_APPROVER);
  return auto || approvers.size >= Math.max(1, deployment.approval?.required ?? 1);
}

/**
 * Why an approved deletion must not run: the stack approved for deletion (its unique id) is no
 * longer the live one, or it is protected. Mid-operation means retry later.
 */
async function deletionRefusal(stacks: Stacks, deployment: Deployment): Promise<Reason | undefined> {
  const live = await stacks.describeStack(deployment.stack);
  if (live && isInProgress(live.status))
    throw new StackBusyError(deployment.stackKey, `stack is ${live.status}`);
  if (!live || live.stackId !== deployment.changeSet?.id) {
    return {
      code: ReasonCode.STACK_DISAPPEARED,
      message: `${deployment.stack.stackName} is no longer the stack approved for deletion (${deployment.changeSet?.id}); nothing was deleted.`,
    };
  }
  if (live.terminationProtection) {
    return {
      code: ReasonCode.STACK_PROTECTED,
      message: `${deployment.stack.stackName} has termination protection in CloudFormation, so Converge will not delete it; turn the protection off first.`,
    };
  }
  return undefined;
}

/** Records why the execution waits (audit and notification); the caller releases the lock. */
async function holdExecution(
  deps: ExecuteDeps,
  deployment: Deployment,
  hold: Extract<ExecutionHold, { held: true }>,
): Promise<ExecuteResult> {
  await deps.store.appendAudit({
    subject: subjectOf(deployment.id),
    action: AuditAction.HELD,
    actor: ACTOR,
    reason: hold.message,
    at: iso(deps.clock),
    data: {
      hold: hold.kind,
      ...(hold.kind === 'window' && hold.mayRunAt ? { mayRunAt: hold.mayRunAt } : {}),
    },
  });
  await notify(deps, deployment, { event: `Waiting: ${hold.message}` });
  return { outcome: 'held', hold };
}

/** Ends the deployment FAILED before anything ran (or when ExecuteChangeSet was refused); the caller releases the lock. */
async function fail(deps: ExecuteDeps, deployment: Deployment, reason: Reason): Promise<ExecuteResult> {
  const failed = await moveDeployment(
    deps,
    deployment,
    { type: 'EXECUTION_FAILED', reason },
    { action: AuditAction.FAILED, actor: ACTOR, reason: reason.message },
  );
  if (!failed) return { outcome: 'skipped', reason: 'deployment moved on' };
  return { outcome: 'failed', deployment: await notify(deps, failed, { event: reason.message }) };
}
