import type { Clock } from '../../ports/clock.ts';

/** Exponential backoff with full jitter, for calls AWS throttles. */
export interface ThrottleBackoff {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all, the first one included. */
  readonly maxAttempts: number;
}

export const DEFAULT_THROTTLE_BACKOFF: ThrottleBackoff = {
  firstDelayMs: 500,
  maxDelayMs: 20_000,
  maxAttempts: 8,
};

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

/** Whether AWS refused the call for its rate (the SDK's error name, or the Query protocol's code). */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { Code?: unknown }).Code;
  return THROTTLING_CODES.has(error.name) || (typeof code === 'string' && THROTTLING_CODES.has(code));
}

/** Still throttled after every attempt; the caller leaves the work for later. */
export class ThrottledTooLongError extends Error {
  readonly attempts: number;
  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what} was throttled ${attempts} times in a row; it is left for the next run.`, { cause });
    this.name = 'ThrottledTooLongError';
    this.attempts = attempts;
  }
}

/**
 * Runs `call`, and after a throttling error waits a random time up to an exponentially growing
 * cap (full jitter, so many workers throttled at once spread out) on the injected clock, then
 * tries again. Other errors pass through at once. The SDK retries a few times on its own; at the
 * scale of a sweep over every stack that is not enough, so Converge backs off on top of it.
 *
 * @throws ThrottledTooLongError after `maxAttempts` throttled attempts.
 * @example
 * const id = await retryThrottled({ clock, random: Math.random }, 'DetectStackDrift', () => stacks.detectDrift(stack));
 */
export async function retryThrottled<T>(
  deps: { readonly clock: Clock; readonly random?: () => number },
  what: string,
  call: () => Promise<T>,
  backoff: ThrottleBackoff = DEFAULT_THROTTLE_BACKOFF,
): Promise<T> {
  const random = deps.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      if (attempt >= backoff.maxAttempts) throw new ThrottledTooLongError(what, attempt, error);
      const cap = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** (attempt - 1));
      await deps.clock.sleep(Math.max(1, Math.floor(random() * cap)));
    }
  }
}
