import type { ChangeSetRef, Deployment, Reason } from './deployment.ts';
import type { DeploymentEvent, DeploymentEventType } from './deployment-event.ts';
import { DeploymentStatus, isTerminal } from './deployment-status.ts';
import { ReasonCode } from './reason-code.ts';
import {
  requiresEventChangeSet,
  requiresExecutableChangeSet,
  requiresExpired,
  requiresNotExpired,
  requiresOpenApprovalWindow,
  requiresReason,
  requiresWaitingFor,
  type TransitionGuard,
} from './transition-guards.ts';

/** One allowed move of the deployment state machine (ARCHITECTURE.md). */
export interface Transition {
  readonly from: DeploymentStatus;
  readonly event: DeploymentEventType;
  readonly to: DeploymentStatus;
  /** What must hold, in words (for docs and `converge` help). */
  readonly when?: string;
  readonly guard?: TransitionGuard;
}

const S = DeploymentStatus;

/**
 * Every status change a deployment may make, with its guard. Nothing writes a status except
 * through {@link nextStatus}, and the store makes each one a conditional write on `from`.
 * Terminal statuses appear in no `from`: nothing ever leaves them.
 *
 * `APPROVED → FAILED` is there for an ExecuteChangeSet that CloudFormation refuses (change set
 * obsolete, stack not updatable): the deployment ends with a reason instead of staying approved.
 * `APPROVED → REJECTED` is an approver's cancel (`converge cancel`) before the execution starts;
 * of it and EXECUTION_STARTED, the conditional write on APPROVED lets exactly one win.
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: S.PLANNING, event: 'PLAN_EMPTY', to: S.NO_CHANGES },
  { from: S.PLANNING, event: 'PLAN_FAILED', to: S.PLAN_FAILED, when: 'a reason', guard: requiresReason },
  {
    from: S.PLANNING,
    event: 'APPROVAL_REQUIRED',
    to: S.AWAITING_APPROVAL,
    when: 'a change set and expiresAt in the future',
    guard: requiresOpenApprovalWindow,
  },
  {
    from: S.PLANNING,
    event: 'AUTO_APPROVED',
    to: S.APPROVED,
    when: 'a change set',
    guard: requiresEventChangeSet,
  },
  {
    from: S.AWAITING_APPROVAL,
    event: 'QUORUM_REACHED',
    to: S.APPROVED,
    when: 'now < expiresAt',
    guard: requiresNotExpired,
  },
  { from: S.AWAITING_APPROVAL, event: 'REJECTED', to: S.REJECTED },
  {
    from: S.AWAITING_APPROVAL,
    event: 'EXPIRED',
    to: S.EXPIRED,
    when: 'now >= expiresAt',
    guard: requiresExpired,
  },
  { from: S.PLANNING, event: 'SUPERSEDED', to: S.SUPERSEDED },
  { from: S.AWAITING_APPROVAL, event: 'SUPERSEDED', to: S.SUPERSEDED },
  { from: S.APPROVED, event: 'SUPERSEDED', to: S.SUPERSEDED },
  {
    from: S.APPROVED,
    event: 'EXECUTION_STARTED',
    to: S.EXECUTING,
    when: 'a change set, and not a preview',
    guard: requiresExecutableChangeSet,
  },
  { from: S.APPROVED, event: 'EXECUTION_FAILED', to: S.FAILED, when: 'a reason', guard: requiresReason },
  { from: S.APPROVED, event: 'REJECTED', to: S.REJECTED },
  { from: S.EXECUTING, event: 'EXECUTION_SUCCEEDED', to: S.SUCCEEDED },
  { from: S.EXECUTING, event: 'EXECUTION_FAILED', to: S.FAILED, when: 'a reason', guard: requiresReason },
  // Dependencies: a stack is planned only after its dependencies' deployments at the same revision.
  {
    from: S.PLANNING,
    event: 'DEPENDENCIES_PENDING',
    to: S.AWAITING_DEPENDENCIES,
    when: 'the dependencies waited for',
    guard: requiresWaitingFor,
  },
  { from: S.AWAITING_DEPENDENCIES, event: 'DEPENDENCIES_MET', to: S.PLANNING },
  {
    from: S.AWAITING_DEPENDENCIES,
    event: 'PLAN_FAILED',
    to: S.PLAN_FAILED,
    when: 'a reason',
    guard: requiresReason,
  },
  { from: S.AWAITING_DEPENDENCIES, event: 'SUPERSEDED', to: S.SUPERSEDED },
];

/** Why {@link nextStatus} refused an event. */
export const TransitionRefusal = {
  /** No transition for this event leaves the current status. */
  INVALID_TRANSITION: 'InvalidTransition',
  /** The transition exists but its guard does not hold now. */
  GUARD_FAILED: 'GuardFailed',
  /** The deployment is already where this event leads: a redelivered event, safe to ignore. */
  ALREADY_APPLIED: 'AlreadyApplied',
} as const;
export type TransitionRefusal = (typeof TransitionRefusal)[keyof typeof TransitionRefusal];

/** The fields a transition writes; assignable to the store's `DeploymentPatch`. */
export interface DeploymentStatusPatch {
  readonly status: DeploymentStatus;
  readonly updatedAt: string;
  readonly reason?: Reason;
  readonly changeSet?: ChangeSetRef;
  readonly expiresAt?: string;
  readonly waitingFor?: readonly string[];
}

/** The outcome of {@link nextStatus}: a patch to write conditionally on `from`, or a refusal. */
export type TransitionResult =
  | {
      readonly ok: true;
      readonly from: DeploymentStatus;
      readonly status: DeploymentStatus;
      readonly patch: DeploymentStatusPatch;
    }
  | { readonly ok: false; readonly reason: { readonly code: TransitionRefusal; readonly message: string } };

/**
 * Where `event` takes `deployment` at `now` (ms since the epoch). Never throws for a move the
 * table does not allow: it returns `{ ok: false }` with a named code.
 *
 * @example
 * ```ts
 * const next = nextStatus(deployment, { type: 'QUORUM_REACHED' }, clock.now());
 * if (next.ok) await store.transition(deployment.id, next.from, next.patch, audit);
 * else if (next.reason.code !== TransitionRefusal.ALREADY_APPLIED) logger.warn(next.reason.message);
 * ```
 */
export function nextStatus(deployment: Deployment, event: DeploymentEvent, now: number): TransitionResult {
  if (!Number.isFinite(now)) {
    const message = `now must be milliseconds since the epoch (clock.now()), got ${now}.`;
    return { ok: false, reason: { code: TransitionRefusal.GUARD_FAILED, message } };
  }
  const candidates = TRANSITIONS.filter((t) => t.event === event.type);
  const transition = candidates.find((t) => t.from === deployment.status);
  if (!transition) return refuseMissing(deployment, event, candidates);
  const failed = transition.guard?.(deployment, event, now);
  if (failed) {
    return { ok: false, reason: { code: TransitionRefusal.GUARD_FAILED, message: failed } };
  }
  return {
    ok: true,
    from: deployment.status,
    status: transition.to,
    patch: { status: transition.to, updatedAt: new Date(now).toISOString(), ...fieldsOf(event) },
  };
}

/** The statuses `from` may move to, and on which events (for docs and the UI). */
export function allowedTransitions(from: DeploymentStatus): readonly Transition[] {
  return TRANSITIONS.filter((t) => t.from === from);
}

function refuseMissing(
  deployment: Deployment,
  event: DeploymentEvent,
  candidates: readonly Transition[],
): TransitionResult {
  const status = deployment.status;
  if (candidates.some((t) => t.to === status)) {
    const message = `Deployment ${deployment.id} is already ${status}; ${event.type} changes nothing.`;
    return { ok: false, reason: { code: TransitionRefusal.ALREADY_APPLIED, message } };
  }
  const from = [...new Set(candidates.map((t) => t.from))].join(', ');
  const message = isTerminal(status)
    ? `Deployment ${deployment.id} is ${status}, a terminal status; nothing changes it, ${event.type} included.`
    : `${event.type} cannot move deployment ${deployment.id} from ${status}; it applies only from ${from}.`;
  return { ok: false, reason: { code: TransitionRefusal.INVALID_TRANSITION, message } };
}

function fieldsOf(event: DeploymentEvent): Omit<DeploymentStatusPatch, 'status' | 'updatedAt'> {
  switch (event.type) {
    case 'PLAN_EMPTY':
      return event.changeSet ? { changeSet: event.changeSet } : {};
    case 'PLAN_FAILED':
    case 'EXECUTION_FAILED':
      return { reason: event.reason };
    case 'APPROVAL_REQUIRED':
      return { changeSet: event.changeSet, expiresAt: event.expiresAt };
    case 'AUTO_APPROVED':
      return { changeSet: event.changeSet };
    case 'REJECTED':
      return {
        reason: event.reason ?? {
          code: ReasonCode.REJECTED,
          message: 'An approver rejected the change set.',
        },
      };
    case 'EXPIRED':
      return {
        reason: { code: ReasonCode.APPROVAL_EXPIRED, message: 'Nobody approved the change set in time.' },
      };
    case 'SUPERSEDED':
      return { reason: event.reason ?? supersededReason(event.by) };
    case 'DEPENDENCIES_PENDING':
      return { waitingFor: event.waitingFor };
    default:
      return {};
  }
}

function supersededReason(by: { deploymentId: string; revision: string } | undefined): Reason {
  const message = by
    ? `Revision ${by.revision.slice(0, 12)} (deployment ${by.deploymentId}) is newer; this one will not execute.`
    : 'A newer revision of the stack was planned; this one will not execute.';
  return { code: ReasonCode.NEWER_REVISION, message };
}
