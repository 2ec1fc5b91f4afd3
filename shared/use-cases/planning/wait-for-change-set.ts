import type { StackRef } from '../../domain/deployment/deployment.ts';
import type { Clock } from '../../ports/clock.ts';
import { type ChangeSetState, ChangeSetStatus, type Stacks } from '../../ports/stacks.ts';

/** How long to poll DescribeChangeSet: exponential backoff from `firstDelayMs`, capped, bounded in total. */
export interface ChangeSetWait {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

/**
 * Four minutes: inside the plan function's five-minute timeout, so the deployment ends with a
 * named reason instead of the function being cut off (a cut-off job is retried and resumes).
 * The first poll comes after 50 ms: a small change set is often ready that soon, and a fixed
 * second here was most of a small deployment's time. Doubling from there costs about four more
 * DescribeChangeSet calls than starting at a second, all in the first second and a half.
 */
export const DEFAULT_CHANGE_SET_WAIT: ChangeSetWait = {
  firstDelayMs: 50,
  maxDelayMs: 10_000,
  timeoutMs: 240_000,
};

const SETTLED: ReadonlySet<ChangeSetStatus> = new Set([
  ChangeSetStatus.CREATE_COMPLETE,
  ChangeSetStatus.FAILED,
  ChangeSetStatus.DELETE_COMPLETE,
  ChangeSetStatus.DELETE_FAILED,
]);

/** Polls until the change set is created or failed; `undefined` when the bound passed first. */
export async function waitForChangeSet(
  { stacks, clock }: { stacks: Stacks; clock: Clock },
  stack: StackRef,
  changeSetId: string,
  wait: ChangeSetWait = DEFAULT_CHANGE_SET_WAIT,
): Promise<ChangeSetState | undefined> {
  const deadline = clock.now() + wait.timeoutMs;
  let delay = wait.firstDelayMs;
  for (;;) {
    const state = await stacks.describeChangeSet(stack, changeSetId);
    if (SETTLED.has(state.status)) return state;
    if (clock.now() + delay > deadline) return undefined;
    await clock.sleep(delay);
    delay = Math.min(delay * 2, wait.maxDelayMs);
  }
}

/** CloudFormation reports a change set without changes as FAILED with one of these reasons. */
export function isEmptyChangeSet(state: ChangeSetState): boolean {
  const reason = state.statusReason ?? '';
  return (
    state.status === ChangeSetStatus.FAILED &&
    (reason.includes("didn't contain changes") || reason.includes('No updates are to be performed'))
  );
}
