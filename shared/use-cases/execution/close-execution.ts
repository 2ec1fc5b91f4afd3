import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { type Deployment, DeploymentKind, type Reason } from '../../domain/deployment/deployment.ts';
import { isTerminal } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { inSession } from '../deployment/stack-session.ts';

export interface CloseDeps {
  readonly store: Store;
  readonly stacks: Stacks;
  readonly clock: Clock;
  readonly notifier: Notifier;
}

/**
 * How the deployment's own execution ended, from its evidence (the change set's execution status
 * or stack events carrying its token); `stackStatus` undefined means the stack no longer exists.
 */
export interface ExecutionOutcome {
  readonly succeeded: boolean;
  readonly stackStatus: string | undefined;
  readonly statusReason?: string;
  /** Why it failed, when that is not the stack's rollback (its change set never ran). */
  readonly reason?: Reason;
}

/**
 * Ends an EXECUTING deployment the way its own execution ended: SUCCEEDED (its revision recorded
 * as applied first, so its converge.yaml becomes trusted even if the process dies right after)
 * or FAILED with the failing resources. Releases the stack lock only once the deployment is
 * terminal, whoever closed it. Returns `undefined` when another event or the reconciler closed
 * it first.
 */
export async function closeExecution(
  given: CloseDeps,
  deployment: Deployment,
  outcome: ExecutionOutcome,
  actor: string,
): Promise<Deployment | undefined> {
  const deps = inSession(given, deployment.id);
  const { store, stacks, clock } = deps;
  let closed: Deployment | undefined;
  if (outcome.succeeded) {
    // Success: the revision is applied (true, whoever records it), then SUCCEEDED. A deletion
    // applies no revision: the stack is recorded deleted, so nothing manages it any more.
    if (deployment.kind === DeploymentKind.DELETE) {
      await store.releaseStack(deployment.stackKey, {
        revision: deployment.revision,
        at: iso(clock),
        outcome: 'deleted',
      });
    } else {
      await store.recordApplied(deployment.stackKey, deployment.revision, deployment.id, iso(clock));
      await protect(deps, deployment);
    }
    closed = await moveDeployment(
      deps,
      deployment,
      { type: 'EXECUTION_SUCCEEDED' },
      { action: AuditAction.SUCCEEDED, actor, reason: outcome.stackStatus },
    );
  } else {
    // Failure: FAILED with what CloudFormation said about each failing resource.
    const failures = outcome.reason
      ? []
      : await stacks.failedResourceEvents(deployment.stack, deployment.updatedAt).catch(() => []);
    const reason: Reason = outcome.reason ?? {
      code: outcome.stackStatus ? ReasonCode.ROLLED_BACK : ReasonCode.STACK_DISAPPEARED,
      message: `${deployment.stack.stackName} ended ${outcome.stackStatus ?? 'deleted'}${outcome.statusReason ? `: ${outcome.statusReason}` : ''}`,
      details: failures.map((f) => ({ logicalId: f.logicalId, status: f.status, reason: f.reason })),
    };
    closed = await moveDeployment(
      deps,
      deployment,
      { type: 'EXECUTION_FAILED', reason },
      { action: AuditAction.FAILED, actor, reason: reason.message },
    );
  }

  // Release the stack once the deployment is terminal (also when a closer died before releasing).
  const now = closed ?? (await store.getDeployment(deployment.id));
  if (now && isTerminal(now.status)) await store.releaseLock(deployment.stackKey, deployment.id);
  if (!closed) return undefined;
  return notify(deps, closed, {
    event: `${closed.status.toLowerCase()}: ${outcome.reason?.message ?? outcome.stackStatus ?? 'stack deleted'}`,
  });
}

/**
 * Sets termination protection as the deployment says (on or off; see
 * `terminationProtectionToApply`) once it succeeded, so the stack exists whether it was just
 * created or updated. A deployment that says nothing leaves it as it is. A failure is recorded in
 * the audit trail; the deployment still succeeded.
 */
async function protect(deps: CloseDeps, deployment: Deployment): Promise<void> {
  const enabled = deployment.terminationProtection;
  if (enabled === undefined) return;
  await deps.stacks.setTerminationProtection(deployment.stack, enabled).catch((error: unknown) =>
    deps.store.appendAudit({
      subject: `deployment#${deployment.id}`,
      action: AuditAction.TERMINATION_PROTECTION_FAILED,
      actor: 'system:execute',
      reason: `Termination protection could not be turned ${enabled ? 'on' : 'off'}: ${error instanceof Error ? error.message : String(error)}. Turn it ${enabled ? 'on' : 'off'} in CloudFormation, or deploy again.`,
      at: iso(deps.clock),
    }),
  );
}
