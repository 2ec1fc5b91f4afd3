/**
 * CloudFormation stack statuses, as the pipeline reads them (CloudFormation User Guide,
 * "Stack status codes").
 */
const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);
const FAILED = new Set([
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
  'IMPORT_ROLLBACK_FAILED',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
]);
const UPDATABLE = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

/** How a stack operation ended, or `undefined` while it is still running. */
export function operationOutcome(status: string): 'succeeded' | 'failed' | undefined {
  if (SUCCEEDED.has(status)) return 'succeeded';
  if (FAILED.has(status)) return 'failed';
  return undefined;
}

/** An operation is running: a change set cannot be executed until it ends. */
export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

/** A change set can be executed on a stack in this status. */
export function isUpdatable(status: string): boolean {
  return UPDATABLE.has(status);
}
