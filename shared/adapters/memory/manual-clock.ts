import type { Clock } from '../../ports/clock.ts';

/**
 * A clock that moves only when told to. `sleep` advances it instead of waiting, so a use case
 * that polls with backoff runs instantly in tests and its waits can be asserted.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.advance(60_000);
 */
export class ManualClock implements Clock {
  /** Every `sleep` asked for, in order, in ms. */
  readonly sleeps: number[] = [];

  constructor(private current: number = Date.parse('2026-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }

  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** The current instant as ISO 8601. */
  iso(): string {
    return new Date(this.current).toISOString();
  }
}
