/** Time, injected so that use cases and domain rules stay deterministic in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Wait; use cases that poll call this so tests can advance time instead of sleeping. */
  sleep(ms: number): Promise<void>;
}
