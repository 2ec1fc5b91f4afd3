import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { DeploymentKind } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import type { Queue } from '../../ports/queue.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { deleteChangeSetOf } from '../planning/delete-change-set-of.ts';
import { executionHoldOf, wasHeld } from './execution-hold-of.ts';
import { replanJob } from './replan-job.ts';
import { type SettleDeps, settleExecution } from './settle-execution.ts';

export interface ReconcileDeps extends SettleDeps {
  readonly queue: Queue;
}

export interface ReconcileOptions {
  readonly limit?: number;
  /** A deploy still PLANNING after this long lost its plan job (dead-lettered): it fails. */
  readonly planningStaleMs?: number;
  /** An APPROVED deployment untouched this long lost its execute job: it is queued again. */
  readonly approvedStaleMs?: number;
  /**
   * An EXECUTING deployment whose change set is still AVAILABLE this long after it turned
   * EXECUTING never reached ExecuteChangeSet (its function died): it is executed now.
   */
  readonly executionGraceMs?: number;
  /** A deployment AWAITING_DEPENDENCIES this long is checked again (its release may have been lost). */
  readonly dependenciesRecheckMs?: number;
}

export interface ReconcileResult {
  /** EXECUTING deployments closed from their change set's evidence (their event never came). */
  readonly closed: number;
  /** EXECUTING deployments whose change set never ran, executed now with their token. */
  readonly resumed: number;
  /** AWAITING_APPROVAL deployments past their expiresAt. */
  readonly expired: number;
  /** PLANNING deployments whose plan never finished, ended PLAN_FAILED. */
  readonly abandoned: number;
  /** APPROVED deployments whose execute job was queued again (lost, or released from a hold). */
  readonly requeued: number;
  /** APPROVED deployments still held: their stack is suspended, or they are outside their deploy windows. */
  readonly held: number;
  /** AWAITING_DEPENDENCIES deployments whose plan job was queued again to check their dependencies. */
  readonly rechecked: number;
}

const defaults = {
  planningStaleMs: 60 * 60_000,
  approvedStaleMs: 15 * 60_000,
  executionGraceMs: 5 * 60_000,
  dependenciesRecheckMs: 5 * 60_000,
} as const;

/**
 * The safety net behind the event-driven path, run on a schedule, so every accepted deployment
 * ends in a terminal state: settles executions from their change set's evidence (closes those
 * whose stack event was lost, executes those whose function died before ExecuteChangeSet), expires approval
 * requests nobody answered (from `expiresAt`, never by TTL deletion), fails plans whose job was
 * dead-lettered, and queues again executions whose job was lost.
 */
export async function reconcileDeployments(
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const { store, stacks, clock, queue } = deps;
  const actor = 'system:reconcile';
  const list = { limit: options.limit };
  const olderThan = (updatedAt: string, ms: number) => Date.parse(updatedAt) + ms <= clock.now();
  const result = { closed: 0, resumed: 0, expired: 0, abandoned: 0, requeued: 0, held: 0, rechecked: 0 };

  // Settle EXECUTING deployments on their own change set's evidence, never the stack's status.
  const graceMs = options.executionGraceMs ?? deps.settings.executionGraceMs ?? defaults.executionGraceMs;
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.EXECUTING, list)) {
    const settled = await settleExecution(deps, deployment, { graceMs, actor });
    if (settled !== 'waiting') result[settled] += 1;
  }

  // Expire approval requests past expiresAt and delete their change sets.
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL, list)) {
    if (!deployment.expiresAt || Date.parse(deployment.expiresAt) > clock.now()) continue;
    const ended = await moveDeployment(
      deps,
      deployment,
      { type: 'EXPIRED' },
      { action: AuditAction.EXPIRED, actor, reason: `expired at ${deployment.expiresAt}` },
    );
    if (!ended) continue;
    await deleteChangeSetOf(stacks, deployment);
    await notify(deps, ended, { event: 'approval request expired' });
    result.expired += 1;
  }

  // Fail deploys stuck PLANNING (previews stay PLANNING by design until their pull request moves on).
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.PLANNING, list)) {
    if (deployment.kind === DeploymentKind.PREVIEW) continue;
    if (!olderThan(deployment.updatedAt, options.planningStaleMs ?? defaults.planningStaleMs)) continue;
    const reason = {
      code: ReasonCode.PLANNING_ABANDONED,
      message: 'Planning never finished (its job failed repeatedly); push again or re-run the plan.',
    };
    const ended = await moveDeployment(
      deps,
      deployment,
      { type: 'PLAN_FAILED', reason },
      { action: AuditAction.PLAN_FAILED, actor, reason: reason.message },
    );
    if (!ended) continue;
    await deleteChangeSetOf(stacks, deployment);
    await notify(deps, ended, { event: reason.message });
    result.abandoned += 1;
  }

  // Queue again executions whose job was lost, or whose hold ended (a window opened, the stack was
  // resumed); one still held waits. Executing is idempotent and locked, so a repeat is harmless.
  for (const deployment of await store.listDeploymentsByStatus(DeploymentStatus.APPROVED, list)) {
    if ((await executionHoldOf(deps, deployment, clock.now())).held) {
      result.held += 1;
      continue;
    }
    const stale = olderThan(deployment.updatedAt, options.approvedStaleMs ?? defaults.approvedStaleMs);
    if (!stale && !(await wasHeld(deps, deployment))) continue;
    // While another execution holds the stack, its own retried job is enough; don't pile up more.
    const lock = (await store.getStackState(deployment.stackKey))?.lock;
    if (lock && lock.expiresAt > clock.now()) continue;
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id, 'reconcile', clock.now()) },
    );
    result.requeued += 1;
  }

  // Check again deployments waiting for their dependencies, in case a release was lost.
  const recheckMs = options.dependenciesRecheckMs ?? defaults.dependenciesRecheckMs;
  for (const deployment of await store.listDeploymentsByStatus(
    DeploymentStatus.AWAITING_DEPENDENCIES,
    list,
  )) {
    if (!olderThan(deployment.updatedAt, recheckMs)) continue;
    const job = replanJob(deployment, { requestedAt: clock.now(), deliveryId: `resume:${deployment.id}` });
    await queue.send(
      { ...job, deploymentId: deployment.id },
      { group: deployment.stackKey, dedupeId: dedupeId('resume', deployment.id, 'reconcile', clock.now()) },
    );
    result.rechecked += 1;
  }
  return result;
}
