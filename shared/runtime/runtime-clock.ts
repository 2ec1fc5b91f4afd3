import { systemClock } from '../adapters/system/system-clock.ts';
import type { Clock } from '../ports/clock.ts';

let current: Clock = systemClock;

/**
 * The clock the functions' dependencies use: the system's, unless a process that runs the
 * functions in itself (a function host, tests) set another with {@link runFunctionsOn}. Reads
 * through on every call, so a clock set after the functions were built still counts.
 */
export const runtimeClock: Clock = {
  now: () => current.now(),
  sleep: (ms) => current.sleep(ms),
};

/**
 * Runs the functions of this process on `clock` (a settable clock, so deploy windows can be
 * crossed in tests), or on the system clock again with `undefined`.
 *
 * @example
 * runFunctionsOn(clock); // ... later
 * runFunctionsOn(undefined);
 */
export function runFunctionsOn(clock: Clock | undefined): void {
  current = clock ?? systemClock;
}
