import { DriftSweepInputError } from './drift-sweep-input-error.ts';

/** How a sweep paces itself. */
export interface SweepSettings {
  /** Detections running at once, across every invocation working on the sweep (CloudFormation limits them). */
  readonly maxConcurrency: number;
  /** First and longest wait between polls of a running detection, in ms. */
  readonly pollFirstDelayMs: number;
  readonly pollMaxDelayMs: number;
  /** Stop starting or polling when less than this is left of the invocation, in ms. */
  readonly safetyMarginMs: number;
  /** How long a claim without a detection id holds before another invocation may take the stack. */
  readonly claimLeaseMs: number;
}

/**
 * Polls of a running detection start at 250 ms and double: a small stack's detection is often done
 * that soon, and with only `maxConcurrency` slots a fixed first wait of seconds bounded the whole
 * sweep (five slots, two seconds each: 2.5 stacks a second, whatever the rate limit allows).
 */
export const DEFAULT_SWEEP_SETTINGS: SweepSettings = {
  maxConcurrency: 5,
  pollFirstDelayMs: 250,
  pollMaxDelayMs: 15_000,
  safetyMarginMs: 30_000,
  claimLeaseMs: 15 * 60_000,
};

/**
 * The sweep's settings: the defaults with `overrides` on top, each checked.
 *
 * @throws DriftSweepInputError naming the setting that is not a whole number (or a bound below 1).
 */
export function sweepSettings(overrides: Partial<SweepSettings> = {}): SweepSettings {
  const settings = { ...DEFAULT_SWEEP_SETTINGS, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DriftSweepInputError(
        `Sweep setting ${name} must be a whole number of 0 or more, got ${value}.`,
      );
    }
  }
  if (settings.maxConcurrency < 1) {
    throw new DriftSweepInputError(
      `Sweep setting maxConcurrency must be at least 1, got ${settings.maxConcurrency}.`,
    );
  }
  return settings;
}
