import type { Approval } from '../../../shared/domain/approval/approval.ts';
import { AuditAction } from '../../../shared/domain/deployment/audit-action.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import type { AuditRecord } from '../../../shared/ports/store.ts';
import type { StackExecution } from '../../e2e/support/stack-executions.ts';

/**
 * Checks of one deployment against the invariants of docs/state-machine.md, each from what the
 * store or the stack recorded (a positive signal), for the load and faults suites. Each returns
 * what is wrong, or `undefined`.
 */

/**
 * An execution is approved when enough distinct allowed people voted approve on that exact
 * deployment and change set (ARCHITECTURE.md, "Trust"), and no person's vote was counted twice.
 */
export function approvalProblem(
  deployment: Deployment,
  approvals: readonly Approval[],
  allowed: ReadonlySet<string>,
): string | undefined {
  const approves = approvals.filter((a) => a.decision === 'approve');
  const foreign = approves.filter((a) => !allowed.has(a.approver));
  if (foreign.length > 0) return `a vote of ${foreign[0]!.approver}, who may not approve`;
  const elsewhere = approves.filter(
    (a) => a.deploymentId !== deployment.id || a.changeSetId !== deployment.changeSet?.id,
  );
  if (elsewhere.length > 0) return `a vote naming ${elsewhere[0]!.deploymentId}/${elsewhere[0]!.changeSetId}`;
  const people = approves.map((a) => a.approver);
  if (new Set(people).size !== people.length) return `one person counted twice (${people.join(', ')})`;
  const required = Math.max(1, deployment.approval?.required ?? 1);
  if (people.length < required) return `${people.length} of ${required} approvals`;
  return undefined;
}

/**
 * A status moves only on evidence: SUCCEEDED only when the change set's own execution (the stack
 * events carrying the deployment id as token) completed, FAILED never when it completed.
 */
export function evidenceProblem(
  deployment: Deployment,
  execution: StackExecution | undefined,
): string | undefined {
  const last = execution?.statuses.at(-1) ?? '';
  const completed = /^(CREATE|UPDATE)_COMPLETE$/.test(last);
  if (deployment.status === 'SUCCEEDED' && !completed)
    return `SUCCEEDED, its own execution ${execution ? `ended ${last}` : 'never ran'}`;
  if (deployment.status === 'FAILED' && completed) return `FAILED, its own execution ended ${last}`;
  return undefined;
}

/** Audit actions that record a move of the deployment's status. */
const MOVES: ReadonlySet<string> = new Set([
  AuditAction.PLANNING,
  AuditAction.PLAN_FAILED,
  AuditAction.PLAN_EMPTY,
  AuditAction.SUPERSEDED,
  AuditAction.AWAITING_APPROVAL,
  AuditAction.AUTO_APPROVED,
  AuditAction.APPROVED,
  AuditAction.REJECTED,
  AuditAction.EXPIRED,
  AuditAction.EXECUTING,
  AuditAction.SUCCEEDED,
  AuditAction.FAILED,
  AuditAction.DEPENDENCIES_PENDING,
  AuditAction.DEPENDENCIES_MET,
  AuditAction.PREVIEW_CLEANED_UP,
  AuditAction.CANCELLED,
]);
/** Moves into a terminal status. */
const ENDS: ReadonlySet<string> = new Set([
  AuditAction.PLAN_FAILED,
  AuditAction.PLAN_EMPTY,
  AuditAction.SUPERSEDED,
  AuditAction.REJECTED,
  AuditAction.EXPIRED,
  AuditAction.SUCCEEDED,
  AuditAction.FAILED,
  // A closed pull request's preview ends SUPERSEDED; `converge cancel` ends a deployment REJECTED.
  AuditAction.PREVIEW_CLEANED_UP,
  AuditAction.CANCELLED,
]);

/**
 * Terminal statuses are never left, and a redelivered event changes nothing: in the deployment's
 * audit trail, exactly one move into a terminal status, and no move after it.
 */
export function terminalProblem(trail: readonly AuditRecord[]): string | undefined {
  const moves = trail.filter((r) => MOVES.has(r.action)).map((r) => r.action);
  const end = moves.findIndex((action) => ENDS.has(action));
  if (end < 0) return `no terminal move (${moves.join(' → ')})`;
  if (end !== moves.length - 1) return `moved after ${moves[end]} (${moves.join(' → ')})`;
  return undefined;
}
