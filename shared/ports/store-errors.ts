import type { Approval } from '../domain/approval/approval.ts';

/** Why a conditional write of the {@link Store} was refused. */
export const StoreConflict = {
  /** The deployment's status was no longer the one the caller expected (another writer won). */
  STATUS_CHANGED: 'STATUS_CHANGED',
  /** An item with this id already exists (createDeployment). */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** This approver already voted on this deployment. */
  DUPLICATE_VOTE: 'DUPLICATE_VOTE',
  /** The vote names a change set that is not the deployment's current one. */
  CHANGE_SET_CHANGED: 'CHANGE_SET_CHANGED',
  /**
   * The deployment was written (a vote, a transition, notification refs) after the caller read
   * the version it judged by; nothing was written. Read again and judge again.
   */
  VERSION_CHANGED: 'VERSION_CHANGED',
  /** Too many concurrent writers: the write kept colliding and was given up. */
  CONTENDED: 'CONTENDED',
} as const;
export type StoreConflict = (typeof StoreConflict)[keyof typeof StoreConflict];

/**
 * A conditional write lost: the stored state was not what the caller expected. Nothing was
 * written. Re-read and decide again (usually: another worker already handled it).
 *
 * @example
 * try {
 *   await store.transition(id, 'APPROVED', { status: 'EXECUTING', updatedAt }, audit);
 * } catch (error) {
 *   if (error instanceof StoreConflictError && error.conflict === 'STATUS_CHANGED') return; // someone else runs it
 *   throw error;
 * }
 */
export class StoreConflictError extends Error {
  readonly conflict: StoreConflict;
  /** What the write was about: `deployment#<id>`, `approval#<deploymentId>#<approver>`. */
  readonly subject: string;
  /** The value the write was conditional on (a status, a change set id), when there is one. */
  readonly expected?: string;
  /** The value found instead, when known. */
  readonly actual?: string;

  constructor(details: {
    conflict: StoreConflict;
    subject: string;
    expected?: string;
    actual?: string;
    message: string;
  }) {
    super(details.message);
    this.name = 'StoreConflictError';
    this.conflict = details.conflict;
    this.subject = details.subject;
    if (details.expected !== undefined) this.expected = details.expected;
    if (details.actual !== undefined) this.actual = details.actual;
  }
}

/** The input to a {@link Store} method is malformed; nothing was written. The message says what to fix. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

/** A write named a deployment that does not exist; nothing was written. */
export class DeploymentNotFoundError extends Error {
  readonly deploymentId: string;
  constructor(deploymentId: string) {
    super(`Deployment ${deploymentId} does not exist; check the id (it comes from createDeployment).`);
    this.name = 'DeploymentNotFoundError';
    this.deploymentId = deploymentId;
  }
}

/** Builds the conflict for a deployment whose status is not the expected one. */
export function statusChanged(deploymentId: string, expected: string, actual: string): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.STATUS_CHANGED,
    subject: `deployment#${deploymentId}`,
    expected,
    actual,
    message: `Deployment ${deploymentId} is ${actual}, not ${expected}: another writer changed it first; re-read it before deciding again.`,
  });
}

/** Builds the conflict for a write judged against a version of the deployment that is no longer current. */
export function versionChanged(deploymentId: string, expected: number, actual: number): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.VERSION_CHANGED,
    subject: `deployment#${deploymentId}`,
    expected: String(expected),
    actual: String(actual),
    message: `Deployment ${deploymentId} is at version ${actual}, not ${expected}: it was written since it was read; re-read it and decide again.`,
  });
}

/** Builds the conflict for a vote on a change set the deployment no longer has. */
export function changeSetChanged(approval: Approval, actual: string | undefined): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.CHANGE_SET_CHANGED,
    subject: `deployment#${approval.deploymentId}`,
    expected: approval.changeSetId,
    ...(actual !== undefined && { actual }),
    message: `The vote of ${approval.approver} names change set ${approval.changeSetId}, but deployment ${approval.deploymentId} has ${actual ?? 'none'}; ask for a vote on the current change set.`,
  });
}

/** Builds the conflict for a second vote by the same approver. */
export function duplicateVote(approval: Approval): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.DUPLICATE_VOTE,
    subject: `approval#${approval.deploymentId}#${approval.approver}`,
    message: `${approval.approver} already voted on deployment ${approval.deploymentId}; each approver votes once.`,
  });
}
