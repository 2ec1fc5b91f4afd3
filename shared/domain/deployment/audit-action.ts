import { DriftAction } from '../drift/drift-decision.ts';
import type { DeploymentEventType } from './deployment-event.ts';

/**
 * What an audit record says happened (`AuditInput.action`): one kebab-case vocabulary for the
 * table, `converge describe`, the local console and the docs. Every audit write names one of these.
 *
 * @example
 * ```ts
 * await store.appendAudit({ subject: `deployment#${id}`, action: AuditAction.RETRY_REQUESTED, actor, at });
 * ```
 */
export const AuditAction = {
  /** A deployment was created and its change set is being planned. */
  PLANNING: 'planning',
  /** Planning ended without a change set to run (PLAN_FAILED). */
  PLAN_FAILED: 'plan-failed',
  /** The change set holds no changes (NO_CHANGES). */
  PLAN_EMPTY: 'plan-empty',
  /** A newer revision of the stack took the deployment's place. */
  SUPERSEDED: 'superseded',
  /** The change set waits for people to approve it. */
  AWAITING_APPROVAL: 'awaiting-approval',
  /** The trusted rule approved the change set without people. */
  AUTO_APPROVED: 'auto-approved',
  /** A vote counted, and the quorum is not reached yet. */
  VOTE_COUNTED: 'vote-counted',
  /** A vote was refused (not an approver, an author, the wrong deployment, ...). */
  VOTE_REFUSED: 'vote-refused',
  /** A vote reached the quorum. */
  APPROVED: 'approved',
  /** An approver rejected the change set. */
  REJECTED: 'rejected',
  /** Nobody approved before `expiresAt`. */
  EXPIRED: 'expired',
  /** ExecuteChangeSet was called. */
  EXECUTING: 'executing',
  /** The change set's execution succeeded. */
  SUCCEEDED: 'succeeded',
  /** The change set's execution failed, or could not start. */
  FAILED: 'failed',
  /** A person cancelled the deployment. */
  CANCELLED: 'cancelled',
  /** A person asked for a failed deployment to be planned again. */
  RETRY_REQUESTED: 'retry-requested',
  /** People were told (Slack, GitHub); the record carries where. */
  NOTIFIED: 'notified',
  /** Telling people failed; the deployment itself is unaffected. */
  NOTIFY_FAILED: 'notify-failed',
  /** A stack whose first creation rolled back was deleted so it can be created again. */
  STACK_DELETED: 'stack-deleted',
  /** The pull request closed, so its preview change set was deleted. */
  PREVIEW_CLEANED_UP: 'preview-cleaned-up',
  /** The Git poll planned a stack whose branch head differs from what is applied. */
  GIT_POLL_PLANNED: 'git-poll-planned',
  /** An approved execution waits: its stack is suspended or outside its deploy windows. */
  HELD: 'held',
  /** An approver let a deployment run outside its deploy windows, with a reason. */
  WINDOW_OVERRIDDEN: 'window-overridden',
  /** A stack was suspended: executions and drift reverts hold until it is resumed. */
  SUSPENDED: 'suspended',
  /** A suspended stack was resumed. */
  RESUMED: 'resumed',
  /** A stack left converge.yaml and is no longer managed (`onRemove: release`). */
  RELEASED: 'released',
  /** A deployment succeeded but termination protection could not be turned on. */
  TERMINATION_PROTECTION_FAILED: 'termination-protection-failed',
  /** A deployment waits in AWAITING_DEPENDENCIES for its dependencies' deployments at the same revision. */
  DEPENDENCIES_PENDING: 'dependencies-pending',
  /** Every dependency it waited for was deployed: planning resumes. */
  DEPENDENCIES_MET: 'dependencies-met',
  /** Drift sweep: the stack was left alone this sweep. */
  DRIFT_SKIP: 'drift-skip',
  /** Drift sweep: nothing drifted. */
  DRIFT_NONE: 'drift-none',
  /** Drift sweep: drift was reported. */
  DRIFT_REPORT: 'drift-report',
  /** Drift sweep: a revert was planned through the approval gate. */
  DRIFT_PROPOSE_REVERT: 'drift-propose-revert',
  /** Drift sweep: a revert runs without a person. */
  DRIFT_AUTO_REVERT: 'drift-auto-revert',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

const DRIFT_AUDIT_ACTION: Readonly<Record<DriftAction, AuditAction>> = {
  [DriftAction.SKIP]: AuditAction.DRIFT_SKIP,
  [DriftAction.NONE]: AuditAction.DRIFT_NONE,
  [DriftAction.REPORT]: AuditAction.DRIFT_REPORT,
  [DriftAction.PROPOSE_REVERT]: AuditAction.DRIFT_PROPOSE_REVERT,
  [DriftAction.AUTO_REVERT]: AuditAction.DRIFT_AUTO_REVERT,
};

/** The audit action recording what a drift sweep did with a stack. */
export function driftAuditAction(action: DriftAction): AuditAction {
  return DRIFT_AUDIT_ACTION[action];
}

const PLANNING_END_AUDIT_ACTION = {
  PLAN_FAILED: AuditAction.PLAN_FAILED,
  PLAN_EMPTY: AuditAction.PLAN_EMPTY,
  SUPERSEDED: AuditAction.SUPERSEDED,
} as const satisfies Partial<Record<DeploymentEventType, AuditAction>>;

/** The events that end planning early. */
export type PlanningEndEvent = keyof typeof PLANNING_END_AUDIT_ACTION;

/** The audit action recording that planning ended with this event. */
export function planningEndAuditAction(event: PlanningEndEvent): AuditAction {
  return PLANNING_END_AUDIT_ACTION[event];
}
