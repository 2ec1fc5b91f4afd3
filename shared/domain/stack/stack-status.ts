import { StackStatus } from '../../ports/stacks.ts';

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
