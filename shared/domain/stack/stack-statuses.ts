import type { DriftReport } from '../drift/drift-report.ts';
import { ResourceDriftStatus } from '../drift/drift-report.ts';

/*
 * The statuses CloudFormation answers with, as the Stacks port speaks them: `as const` unions,
 * and the functions the adapters use to turn CloudFormation's text into them.
 */

/**
 * A change set's ExecutionStatus (CloudFormation API Reference, DescribeChangeSet): AVAILABLE can
 * run; EXECUTE_* say it ran; UNAVAILABLE is still being created (or failed); OBSOLETE means the
 * stack was updated by other means since.
 */
export const ExecutionStatus = {
  UNAVAILABLE: 'UNAVAILABLE',
  AVAILABLE: 'AVAILABLE',
  EXECUTE_IN_PROGRESS: 'EXECUTE_IN_PROGRESS',
  EXECUTE_COMPLETE: 'EXECUTE_COMPLETE',
  EXECUTE_FAILED: 'EXECUTE_FAILED',
  OBSOLETE: 'OBSOLETE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/**
 * A stack's status (CloudFormation API Reference, Stack.StackStatus; the stack's own events carry
 * the same values). The adapters turn CloudFormation's text into one of these with
 * {@link toStackStatus}; use cases never compare raw strings.
 */
export const StackStatus = {
  CREATE_IN_PROGRESS: 'CREATE_IN_PROGRESS',
  CREATE_FAILED: 'CREATE_FAILED',
  CREATE_COMPLETE: 'CREATE_COMPLETE',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_IN_PROGRESS',
  ROLLBACK_FAILED: 'ROLLBACK_FAILED',
  ROLLBACK_COMPLETE: 'ROLLBACK_COMPLETE',
  DELETE_IN_PROGRESS: 'DELETE_IN_PROGRESS',
  DELETE_FAILED: 'DELETE_FAILED',
  DELETE_COMPLETE: 'DELETE_COMPLETE',
  UPDATE_IN_PROGRESS: 'UPDATE_IN_PROGRESS',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  UPDATE_COMPLETE: 'UPDATE_COMPLETE',
  UPDATE_FAILED: 'UPDATE_FAILED',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_IN_PROGRESS',
  UPDATE_ROLLBACK_FAILED: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  UPDATE_ROLLBACK_COMPLETE: 'UPDATE_ROLLBACK_COMPLETE',
  REVIEW_IN_PROGRESS: 'REVIEW_IN_PROGRESS',
  IMPORT_IN_PROGRESS: 'IMPORT_IN_PROGRESS',
  IMPORT_COMPLETE: 'IMPORT_COMPLETE',
  IMPORT_ROLLBACK_IN_PROGRESS: 'IMPORT_ROLLBACK_IN_PROGRESS',
  IMPORT_ROLLBACK_FAILED: 'IMPORT_ROLLBACK_FAILED',
  IMPORT_ROLLBACK_COMPLETE: 'IMPORT_ROLLBACK_COMPLETE',
  /**
   * Not CloudFormation's: a status it did not give, or one this version of Converge does not know.
   * Never terminal, never updatable, never in progress.
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * Not CloudFormation's: a `*_IN_PROGRESS` status this version of Converge does not know. An
   * operation is running, so the stack is busy: never terminal, never updatable.
   */
  UNKNOWN_IN_PROGRESS: 'UNKNOWN_IN_PROGRESS',
} as const;
export type StackStatus = (typeof StackStatus)[keyof typeof StackStatus];

/** A change set's Status (DescribeChangeSet); UNKNOWN is Converge's, as for {@link StackStatus}. */
export const ChangeSetStatus = {
  CREATE_PENDING: 'CREATE_PENDING',
  CREATE_IN_PROGRESS: 'CREATE_IN_PROGRESS',
  CREATE_COMPLETE: 'CREATE_COMPLETE',
  DELETE_PENDING: 'DELETE_PENDING',
  DELETE_IN_PROGRESS: 'DELETE_IN_PROGRESS',
  DELETE_COMPLETE: 'DELETE_COMPLETE',
  DELETE_FAILED: 'DELETE_FAILED',
  FAILED: 'FAILED',
  UNKNOWN: 'UNKNOWN',
} as const;
export type ChangeSetStatus = (typeof ChangeSetStatus)[keyof typeof ChangeSetStatus];

/** A drift detection's DetectionStatus (DescribeStackDriftDetectionStatus). */
export const DriftDetectionStatus = {
  DETECTION_IN_PROGRESS: 'DETECTION_IN_PROGRESS',
  DETECTION_COMPLETE: 'DETECTION_COMPLETE',
  DETECTION_FAILED: 'DETECTION_FAILED',
} as const;
export type DriftDetectionStatus = (typeof DriftDetectionStatus)[keyof typeof DriftDetectionStatus];

/** A stack's drift status: DRIFTED, IN_SYNC, NOT_CHECKED, or UNKNOWN for anything else. */
export type StackDriftStatus = DriftReport['stackDriftStatus'];

/**
 * CloudFormation's stack status as a {@link StackStatus}. One this version does not know is
 * UNKNOWN_IN_PROGRESS when CloudFormation says an operation is running (`*_IN_PROGRESS`), so a
 * busy stack is never taken for an idle one; anything else is UNKNOWN.
 */
export function toStackStatus(value: string | undefined): StackStatus {
  const known = oneOf(StackStatus, value);
  if (known) return known;
  return value?.endsWith('_IN_PROGRESS') ? StackStatus.UNKNOWN_IN_PROGRESS : StackStatus.UNKNOWN;
}

/** CloudFormation's change set status as a {@link ChangeSetStatus}; anything else is UNKNOWN. */
export function toChangeSetStatus(value: string | undefined): ChangeSetStatus {
  return oneOf(ChangeSetStatus, value) ?? ChangeSetStatus.UNKNOWN;
}

/** CloudFormation's execution status as an {@link ExecutionStatus}; `undefined` for anything else. */
export function toExecutionStatus(value: string | undefined): ExecutionStatus | undefined {
  return oneOf(ExecutionStatus, value);
}

/** A detection status; one CloudFormation did not give (or Converge does not know) reads as failed. */
export function toDriftDetectionStatus(value: string | undefined): DriftDetectionStatus {
  return oneOf(DriftDetectionStatus, value) ?? DriftDetectionStatus.DETECTION_FAILED;
}

/** A stack drift status; anything but DRIFTED, IN_SYNC and NOT_CHECKED reads UNKNOWN. */
export function toStackDriftStatus(value: string | undefined): StackDriftStatus {
  return value === 'DRIFTED' || value === 'IN_SYNC' || value === 'NOT_CHECKED' ? value : 'UNKNOWN';
}

/** A resource drift status; one Converge does not know (UNSUPPORTED, ...) reads UNKNOWN. */
export function toResourceDriftStatus(value: string | undefined): ResourceDriftStatus {
  return oneOf(ResourceDriftStatus, value) ?? ResourceDriftStatus.UNKNOWN;
}

/** A property difference's type; anything but ADD and REMOVE reads NOT_EQUAL. */
export function toDifferenceType(value: string | undefined): 'ADD' | 'REMOVE' | 'NOT_EQUAL' {
  return value === 'ADD' || value === 'REMOVE' ? value : 'NOT_EQUAL';
}

function oneOf<T extends Record<string, string>>(
  values: T,
  value: string | undefined,
): T[keyof T] | undefined {
  return value !== undefined && Object.hasOwn(values, value) && values[value] === value
    ? (value as T[keyof T])
    : undefined;
}

/**
 * CloudFormation stack statuses, as the pipeline reads them (CloudFormation User Guide,
 * "Stack status codes").
 */
const SUCCEEDED: ReadonlySet<StackStatus> = new Set([
  StackStatus.CREATE_COMPLETE,
  StackStatus.UPDATE_COMPLETE,
  StackStatus.IMPORT_COMPLETE,
]);
const FAILED: ReadonlySet<StackStatus> = new Set([
  StackStatus.CREATE_FAILED,
  StackStatus.ROLLBACK_COMPLETE,
  StackStatus.ROLLBACK_FAILED,
  StackStatus.UPDATE_FAILED,
  StackStatus.UPDATE_ROLLBACK_COMPLETE,
  StackStatus.UPDATE_ROLLBACK_FAILED,
  StackStatus.IMPORT_ROLLBACK_COMPLETE,
  StackStatus.IMPORT_ROLLBACK_FAILED,
  StackStatus.DELETE_COMPLETE,
  StackStatus.DELETE_FAILED,
]);
const UPDATABLE: ReadonlySet<StackStatus> = new Set([
  StackStatus.CREATE_COMPLETE,
  StackStatus.UPDATE_COMPLETE,
  StackStatus.UPDATE_ROLLBACK_COMPLETE,
  StackStatus.IMPORT_COMPLETE,
  StackStatus.IMPORT_ROLLBACK_COMPLETE,
]);

/** How a stack operation ended, or `undefined` while it is still running. */
export function operationOutcome(status: StackStatus): 'succeeded' | 'failed' | undefined {
  if (SUCCEEDED.has(status)) return 'succeeded';
  if (FAILED.has(status)) return 'failed';
  return undefined;
}

/** An operation is running: a change set cannot be executed until it ends. */
export function isInProgress(status: StackStatus): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** A change set can be executed on a stack in this status. */
export function isUpdatable(status: StackStatus): boolean {
  return UPDATABLE.has(status);
}
