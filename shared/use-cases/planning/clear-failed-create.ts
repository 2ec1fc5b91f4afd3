import type { Reason, StackRef } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LiveStack, Stacks } from '../../ports/stacks.ts';
import type { ChangeSetWait } from './wait-for-change-set.ts';

/**
 * How long to wait for an empty rolled-back stack to be deleted: such a stack holds no
 * resources, so seconds are enough; one minute leaves the change set most of the plan
 * function's five minutes.
 */
export const DEFAULT_STACK_DELETE_WAIT: ChangeSetWait = {
  firstDelayMs: 1_000,
  maxDelayMs: 5_000,
  timeoutMs: 60_000,
};

/** What a person must do before a stack in each of these statuses can be planned again. */
const NEEDS_A_PERSON: Readonly<Record<string, string>> = {
  UPDATE_ROLLBACK_FAILED:
    'CloudFormation could not roll back a failed update. Continue the rollback (ContinueUpdateRollback, skipping the resources that cannot roll back), then push again.',
  ROLLBACK_FAILED:
    'CloudFormation could not delete what a failed creation made. Fix or retain those resources, delete the stack, then push again.',
  DELETE_FAILED:
    'Deleting the stack failed. Delete it again (retaining the resources that cannot be deleted), then push again.',
  IMPORT_ROLLBACK_FAILED:
    'CloudFormation could not roll back a failed import. Continue the rollback or delete the stack, then push again.',
  CREATE_FAILED:
    'The stack failed to create with rollback disabled. Roll it back (RollbackStack) or delete it, then push again.',
  UPDATE_FAILED:
    'The stack failed to update with rollback disabled. Roll it back (RollbackStack), then push again.',
};

/** What planning may do with the live stack before creating its change set. */
export type FailedCreateOutcome =
  /** Nothing to clear: plan as usual. */
  | { readonly kind: 'ready' }
  /** A stack whose first creation rolled back was deleted: plan it as a new stack. */
  | {
      readonly kind: 'deleted';
      readonly stackId: string;
      readonly status: string;
      readonly statusReason?: string;
    }
  /** The stack cannot be planned until a person acts (or the next deployment clears it). */
  | { readonly kind: 'blocked'; readonly reason: Reason };

/**
 * Makes room for a CREATE change set when the stack's first creation failed: a ROLLBACK_COMPLETE
 * stack holds no resources and CloudFormation allows only its deletion, so a deployment
 * (`mayDelete`) deletes it and waits for DELETE_COMPLETE; a stack already DELETE_IN_PROGRESS is
 * waited for. Stacks in a status that needs a person are never touched: they are `blocked` with
 * a reason that says what to do.
 *
 * @example
 * const outcome = await clearFailedCreate(deps, stack, { mayDelete: job.kind === 'deploy' });
 */
export async function clearFailedCreate(
  { stacks, clock }: { stacks: Stacks; clock: Clock },
  stack: StackRef,
  { mayDelete, wait = DEFAULT_STACK_DELETE_WAIT }: { mayDelete: boolean; wait?: ChangeSetWait },
): Promise<FailedCreateOutcome> {
  const live = await stacks.describeStack(stack);
  if (!live) return { kind: 'ready' };
  const advice = NEEDS_A_PERSON[live.status];
  if (advice) return blocked(live, advice);
  if (live.status !== 'ROLLBACK_COMPLETE' && live.status !== 'DELETE_IN_PROGRESS') return { kind: 'ready' };

  if (!mayDelete || !stacks.deleteStack || !stacks.stackStatus) {
    return blocked(
      live,
      mayDelete
        ? 'Its first creation failed and rolled back; delete the stack, then push again.'
        : 'Its first creation failed and rolled back; the next deployment of the stack deletes it and creates it again.',
    );
  }
  if (live.status === 'ROLLBACK_COMPLETE') await stacks.deleteStack(stack, live.stackId);

  const deadline = clock.now() + wait.timeoutMs;
  let delay = wait.firstDelayMs;
  for (;;) {
    const state = await stacks.stackStatus(stack, live.stackId);
    if (!state || state.status === 'DELETE_COMPLETE') {
      return { kind: 'deleted', stackId: live.stackId, status: live.status, statusReason: live.statusReason };
    }
    if (state.status === 'DELETE_FAILED') {
      return blocked({ ...live, ...state }, NEEDS_A_PERSON.DELETE_FAILED ?? '');
    }
    if (clock.now() + delay > deadline) {
      return blocked(
        { ...live, ...state },
        'Converge stopped waiting for CloudFormation to delete it; push again once it is deleted.',
      );
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 2, wait.maxDelayMs);
  }
}

function blocked(live: Pick<LiveStack, 'stackName' | 'status' | 'statusReason'>, advice: string) {
  const why = live.statusReason ? ` (${live.statusReason.trim()})` : '';
  return {
    kind: 'blocked' as const,
    reason: {
      code: ReasonCode.STACK_NOT_UPDATABLE,
      message: `Stack ${live.stackName} is ${live.status}${why}. ${advice}`,
    },
  };
}
