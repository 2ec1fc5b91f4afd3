/**
 * Another execution holds the stack, or the stack is mid-operation. Retryable: the plan or execute job
 * fails, stays on its FIFO message group, and is tried again after the visibility timeout.
 */
export class StackBusyError extends Error {
  constructor(
    readonly stackKey: string,
    detail: string,
  ) {
    super(`Stack ${stackKey} is busy (${detail}); the job will be retried.`);
    this.name = 'StackBusyError';
  }
}
