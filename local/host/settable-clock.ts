import { setTimeout as wait } from 'node:timers/promises';
import type { Clock } from '../../shared/ports/clock.ts';

/**
 * A clock that runs with wall time from an instant a test sets, and jumps when told to: the
 * functions a host runs on it see deploy windows open and close without waiting for them.
 * `sleep` really waits (the local cloud works in real time), so polls behave as in AWS.
 *
 * @example
 * const clock = new SettableClock();
 * clock.advance(60 * 60_000); // an hour later, for every function of the host
 */
export class SettableClock implements Clock {
  #offset: number;

  constructor(start: number = Date.now()) {
    this.#offset = start - Date.now();
  }

  now(): number {
    return Date.now() + this.#offset;
  }

  async sleep(ms: number): Promise<void> {
    await wait(ms);
  }

  /** Moves time forward by `ms` (it keeps running from there). */
  advance(ms: number): void {
    this.#offset += ms;
  }

  /** Makes it `instant` now (it keeps running from there). */
  set(instant: number): void {
    this.#offset = instant - Date.now();
  }
}
