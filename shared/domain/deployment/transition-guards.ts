import type { Deployment, Reason } from './deployment.ts';
import { DeploymentKind } from './deployment.ts';
import type { DeploymentEvent } from './deployment-event.ts';

/**
 * A guard says why a transition may not happen now, or `undefined` when it may. Guards are
 * pure: `now` is milliseconds since the epoch, passed in by the caller.
 */
export type TransitionGuard = (
  deployment: Deployment,
  event: DeploymentEvent,
  now: number,
) => string | undefined;

/** A failure event must say why, with a named code and a message a person can act on. */
export const requiresReason: TransitionGuard = (_deployment, event) => {
  const reason = 'reason' in event ? event.reason : undefined;
  return isCompleteReason(reason)
    ? undefined
    : `${event.type} needs a reason with a code and a message, so people can see why the deployment ended.`;
};

/** A deployment waits for approval only on a real change set and an approval window in the future. */
export const requiresOpenApprovalWindow: TransitionGuard = (deployment, event, now) => {
  if (event.type !== 'APPROVAL_REQUIRED') return undefined;
  const missing = requiresEventChangeSet(deployment, event, now);
  if (missing) return missing;
  const expiresAt = Date.parse(event.expiresAt);
  if (Number.isNaN(expiresAt)) {
    return `APPROVAL_REQUIRED needs expiresAt as an ISO 8601 instant, got "${event.expiresAt}".`;
  }
  return expiresAt > now
    ? undefined
    : `APPROVAL_REQUIRED needs expiresAt in the future; ${event.expiresAt} has already passed.`;
};

/** An approval (automatic or not) is always bound to the change set it approves. */
export const requiresEventChangeSet: TransitionGuard = (_deployment, event) => {
  const changeSet = 'changeSet' in event ? event.changeSet : undefined;
  return changeSet?.id
    ? undefined
    : `${event.type} needs the change set it is about, so approvals are bound to that change set.`;
};

/** Quorum counts only inside the approval window: expiry is checked here, never left to TTL. */
export const requiresNotExpired: TransitionGuard = (deployment, _event, now) => {
  if (!deployment.changeSet?.id) return 'The deployment has no change set to approve.';
  const expiresAt = instant(deployment.expiresAt);
  return expiresAt !== undefined && now >= expiresAt
    ? `The approval window closed at ${deployment.expiresAt}; the deployment expires instead.`
    : undefined;
};

/** A deployment expires only once its approval window has closed. */
export const requiresExpired: TransitionGuard = (deployment, _event, now) => {
  const expiresAt = instant(deployment.expiresAt);
  if (expiresAt === undefined) return 'The deployment has no expiresAt, so it cannot expire.';
  return now >= expiresAt ? undefined : `The approval window is open until ${deployment.expiresAt}.`;
};

/** Only a deployment with a change set executes, and a pull-request preview never does. */
export const requiresExecutableChangeSet: TransitionGuard = (deployment) => {
  if (deployment.kind === DeploymentKind.PREVIEW) {
    return 'A pull-request preview is never executed; merge the pull request to deploy it.';
  }
  return deployment.changeSet?.id ? undefined : 'The deployment has no change set to execute.';
};

/** A deployment waits only for named dependencies, so messages can say which. */
export const requiresWaitingFor: TransitionGuard = (_deployment, event) =>
  event.type === 'DEPENDENCIES_PENDING' && event.waitingFor.length > 0
    ? undefined
    : 'DEPENDENCIES_PENDING needs the dependencies the deployment waits for.';

function isCompleteReason(reason: Reason | undefined): boolean {
  return Boolean(reason && reason.code.trim() !== '' && reason.message.trim() !== '');
}

function instant(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
