/**
 * What a `bench/*.bench.ts` module exports as `suite` (or as `suites`, several at once): cases run
 * side by side (interleaved, so machine noise hits them alike) and compared against the
 * `baseline` case.
 */
export interface BenchSuite {
  readonly name: string;
  /** Name of the case the others are compared with. */
  readonly baseline: string;
  /**
   * Each case does one unit of work; its return value is kept so the work is not optimised away.
   * A case may be asynchronous (a deployment, a child process); the runner awaits it. A case that
   * must prepare untimed work first (a commit before the push) returns `{ elapsedMs }` it timed.
   */
  readonly cases: Readonly<Record<string, () => unknown>>;
  /** Wall-clock budget per case in milliseconds (default 2,000). */
  readonly budgetMs?: number;
  /** Fewest and most timed runs per case (default 5 and 200). */
  readonly minSamples?: number;
  readonly maxSamples?: number;
  /** Untimed runs of every case before timing (default 2). */
  readonly warmupRounds?: number;
  /** The most a case may take as a multiple of the baseline; the table marks it met or missed. */
  readonly goals?: Readonly<Record<string, number>>;
  /** Starts what the cases need (servers, fixtures); called once before the first case. */
  readonly setup?: () => Promise<void>;
  /** Stops what `setup` started; called even when a case failed. */
  readonly teardown?: () => Promise<void>;
  /** Extra lines printed under the table (e.g. AWS calls by operation), after every run. */
  readonly notes?: () => readonly string[];
}

/** `--quick`: every case once, small inputs, no warm-up; what the test runs so the harness cannot rot. */
export const QUICK = process.argv.includes('--quick');
