/**
 * What a `bench/*.bench.ts` module exports as `suite`: cases run side by side (interleaved,
 * so machine noise hits them alike) and compared against the `baseline` case.
 */
export interface BenchSuite {
  readonly name: string;
  /** Name of the case the others are compared with. */
  readonly baseline: string;
  /** Each case does one unit of work; its return value is kept so the work is not optimised away. */
  readonly cases: Readonly<Record<string, () => unknown>>;
  /** Wall-clock budget per case in milliseconds (default 2,000). */
  readonly budgetMs?: number;
}
