import type { Approval } from '../domain/approval/approval.ts';
import type { Deployment, NotificationRefs } from '../domain/deployment/deployment.ts';
import { type DeploymentStatus, isDeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { isSortableId } from '../domain/ids.ts';
import type { Suspension } from '../domain/window/execution-hold.ts';
import type { AuditInput, DeploymentPatch, ListOptions, PushKey, RecordApprovalOptions } from './store.ts';
import { StoreInputError } from './store-errors.ts';

/**
 * Input checks shared by every Store adapter, so that each refuses the same bad input with
 * the same message before it writes anything.
 */

const IMMUTABLE_FIELDS = ['id', 'kind', 'stack', 'stackKey', 'createdAt', 'version'] as const;

/** A non-empty string, or a StoreInputError naming the field. */
export function requireText(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StoreInputError(`${field} must be a non-empty string, got ${shown(value)}.`);
  }
  return value;
}

/** An ISO 8601 instant, returned in the canonical `toISOString()` form that sorts as text. */
export function requireInstant(field: string, value: unknown): string {
  const text = requireText(field, value);
  const time = Date.parse(text);
  if (Number.isNaN(time)) {
    throw new StoreInputError(
      `${field} must be an ISO 8601 instant such as 2026-01-31T12:00:00.000Z, got ${shown(value)}.`,
    );
  }
  return new Date(time).toISOString();
}

export function requireStatus(field: string, value: unknown): DeploymentStatus {
  if (!isDeploymentStatus(value)) {
    throw new StoreInputError(
      `${field} must be a deployment status (PLANNING, AWAITING_APPROVAL, ...), got ${shown(value)}.`,
    );
  }
  return value;
}

/** Milliseconds since the epoch (a whole, non-negative number). */
export function requireEpochMs(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StoreInputError(
      `${field} must be milliseconds since the epoch (a whole number >= 0), got ${shown(value)}.`,
    );
  }
  return value;
}

/** A positive whole number of milliseconds. */
export function requireDuration(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StoreInputError(
      `${field} must be a positive whole number of milliseconds, got ${shown(value)}.`,
    );
  }
  return value;
}

/** The `limit` of a list, or undefined for all. */
export function requireLimit(options: ListOptions | undefined): number | undefined {
  const limit = options?.limit;
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new StoreInputError(`limit must be a positive whole number, got ${shown(limit)}.`);
  }
  return limit;
}

/** A deployment id that orders deployments (see `recordAttempt`). */
export function requireSortableId(field: string, value: unknown): string {
  requireText(field, value);
  if (!isSortableId(value)) {
    throw new StoreInputError(
      `${field} must be a sortable id (26 characters, made by sortableId in shared/domain/ids.ts when the deployment was created), got ${shown(value)}.`,
    );
  }
  return value;
}

export function checkDeployment(deployment: Deployment): void {
  if (typeof deployment !== 'object' || deployment === null) {
    throw new StoreInputError(`deployment must be an object, got ${shown(deployment)}.`);
  }
  requireText('deployment.id', deployment.id);
  requireText('deployment.kind', deployment.kind);
  requireText('deployment.stackKey', deployment.stackKey);
  requireText('deployment.stack.stackName', deployment.stack?.stackName);
  requireText('deployment.stack.region', deployment.stack?.region);
  requireText('deployment.repository', deployment.repository);
  requireText('deployment.revision', deployment.revision);
  requireStatus('deployment.status', deployment.status);
  requireInstant('deployment.createdAt', deployment.createdAt);
  requireInstant('deployment.updatedAt', deployment.updatedAt);
  if (!Number.isSafeInteger(deployment.version) || deployment.version < 0) {
    throw new StoreInputError(
      `deployment.version must be a whole number >= 0, got ${shown(deployment.version)}.`,
    );
  }
}

export function checkPatch(patch: DeploymentPatch): void {
  if (typeof patch !== 'object' || patch === null) {
    throw new StoreInputError(`next must be an object with status and updatedAt, got ${shown(patch)}.`);
  }
  requireStatus('next.status', patch.status);
  requireInstant('next.updatedAt', patch.updatedAt);
  for (const field of IMMUTABLE_FIELDS) {
    if (Object.hasOwn(patch, field)) {
      throw new StoreInputError(`next.${field} cannot change after a deployment is created; remove it.`);
    }
  }
}

export function checkApproval(approval: Approval): void {
  if (typeof approval !== 'object' || approval === null) {
    throw new StoreInputError(`approval must be an object, got ${shown(approval)}.`);
  }
  requireText('approval.deploymentId', approval.deploymentId);
  requireText('approval.changeSetId', approval.changeSetId);
  requireText('approval.approver', approval.approver);
  // `policy:` is the trusted approval policy itself, recorded when it auto-approves.
  if (!/^(slack|github|cli|aws|policy):.+$/.test(approval.approver)) {
    throw new StoreInputError(
      `approval.approver must be <slack|github|cli|aws|policy>:<id> (e.g. github:alice), got ${shown(approval.approver)}.`,
    );
  }
  if (approval.decision !== 'approve' && approval.decision !== 'reject') {
    throw new StoreInputError(
      `approval.decision must be approve or reject, got ${shown(approval.decision)}.`,
    );
  }
  requireInstant('approval.at', approval.at);
}

/**
 * The change set a vote must name: the one `transition` sets, when it sets one (a plan that
 * approves its own change set in the same write), else the deployment's current one.
 */
export function votedChangeSetId(
  current: Deployment,
  transition: { next: DeploymentPatch } | undefined,
): string | undefined {
  return transition?.next.changeSet?.id ?? current.changeSet?.id;
}

/** The expected version of a vote, when given: a whole number >= 0. */
export function checkRecordApprovalOptions(options: RecordApprovalOptions | undefined): number | undefined {
  const version = options?.expectedVersion;
  if (version === undefined) return undefined;
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new StoreInputError(
      `options.expectedVersion must be the version of the deployment read (a whole number >= 0), got ${shown(version)}.`,
    );
  }
  return version;
}

/**
 * Checks `Store.saveNotifications`'s input, as every adapter must before it reads anything.
 * Returns the audit record's instant in canonical form.
 */
export function checkNotificationsInput(
  id: string,
  notifications: NotificationRefs,
  audit: AuditInput,
): string {
  requireText('id', id);
  checkNotifications(notifications);
  return checkAudit(audit);
}

/** Notification refs: channel name → string fields, as `Deployment.notifications` holds them. */
function checkNotifications(notifications: NotificationRefs): void {
  if (!isPlainObject(notifications)) {
    throw new StoreInputError(
      `notifications must be an object of channel → refs (e.g. { slack: { channel: 'C1', ts: '1.2' } }), got ${shown(notifications)}.`,
    );
  }
  for (const [channel, refs] of Object.entries(notifications)) {
    requireText('notifications channel name', channel);
    const fields = isPlainObject(refs) ? Object.entries(refs) : undefined;
    if (!fields || fields.some(([, value]) => typeof value !== 'string')) {
      throw new StoreInputError(
        `notifications.${channel} must be an object of string fields (e.g. { channel: 'C1', ts: '1.2' }), got ${shown(refs)}.`,
      );
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `Store.transition`'s input, as every adapter must before it reads anything.
 * Returns the audit record's instant in canonical form.
 */
export function checkTransitionInput(
  id: string,
  from: DeploymentStatus,
  next: DeploymentPatch,
  audit: AuditInput,
): string {
  requireText('id', id);
  requireStatus('from', from);
  checkPatch(next);
  return checkAudit(audit);
}

/** Checks an audit record and returns its instant in canonical form (the sort order). */
export function checkAudit(audit: AuditInput): string {
  if (typeof audit !== 'object' || audit === null) {
    throw new StoreInputError(
      `audit must be an object with subject, action, actor and at, got ${shown(audit)}.`,
    );
  }
  requireText('audit.subject', audit.subject);
  requireText('audit.action', audit.action);
  requireText('audit.actor', audit.actor);
  return requireInstant('audit.at', audit.at);
}

/** The text that orders deployments: canonical `createdAt`, then id. */
export function deploymentOrder(deployment: Pick<Deployment, 'createdAt' | 'id'>): string {
  return `${new Date(Date.parse(deployment.createdAt)).toISOString()}#${deployment.id}`;
}

/** Applies a patch: the patch's defined fields replace the deployment's; version goes up by one. */
export function applyPatch(deployment: Deployment, patch: DeploymentPatch): Deployment {
  const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...deployment, ...fields, version: deployment.version + 1 } as Deployment;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value.slice(0, 80));
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Checks every part of a push key and returns its canonical text (unambiguous whatever the parts contain). */
export function pushKeyText(push: PushKey): string {
  if (typeof push !== 'object' || push === null) {
    throw new StoreInputError(
      `push must be an object with repository, ref, before and after, got ${shown(push)}.`,
    );
  }
  requireText('push.repository', push.repository);
  requireText('push.ref', push.ref);
  requireText('push.before', push.before);
  requireText('push.after', push.after);
  return JSON.stringify([push.repository, push.ref, push.before, push.after]);
}

/**
 * Checks `Store.setSuspension`'s input, as every adapter must before it writes.
 * Returns the audit record's instant in canonical form.
 */
export function checkSuspensionInput(
  stackKey: string,
  suspension: Suspension | undefined,
  audit: AuditInput,
): string {
  requireText('stackKey', stackKey);
  checkSuspension(suspension);
  return checkAudit(audit);
}

/** A suspension: who (an identity), when (an instant) and, optionally, why. */
function checkSuspension(suspension: Suspension | undefined): void {
  if (suspension === undefined) return;
  if (typeof suspension !== 'object' || suspension === null) {
    throw new StoreInputError(
      `suspension must be an object with by and at, or undefined to resume, got ${shown(suspension)}.`,
    );
  }
  requireText('suspension.by', suspension.by);
  requireInstant('suspension.at', suspension.at);
  if (suspension.reason !== undefined) requireText('suspension.reason', suspension.reason);
}
