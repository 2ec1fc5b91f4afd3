import { setTimeout as sleep } from 'node:timers/promises';

/** How {@link waitFor} polls. */
export interface WaitForOptions {
  /** Named in the timeout error: `timed out waiting for <what>`. */
  readonly what?: string;
  /** How long to keep reading before giving up. */
  readonly timeoutMs?: number;
  /** The pause between two reads. */
  readonly intervalMs?: number;
}

const defaults = { what: 'the condition', timeoutMs: 10_000, intervalMs: 20 } as const;

/**
 * Reads `read` until `until` holds for what it returned, and returns that value; throws once
 * `timeoutMs` passed, naming `what` and the last value seen. The one polling helper of the
 * tests: servers that settle asynchronously (the local cloud, the host, DynamoDB Local) are
 * waited for with it, never with a fixed sleep.
 *
 * `options` given as a string is `what`.
 *
 * @example
 * const stack = await waitFor(() => describe('app'), (s) => !s.status.endsWith('_IN_PROGRESS'), { what: 'app to settle' });
 */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  until: (value: T) => boolean,
  options: WaitForOptions | string = {},
): Promise<T> {
  const { what, timeoutMs, intervalMs } = {
    ...defaults,
    ...(typeof options === 'string' ? { what: options } : options),
  };
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    last = value;
    if (Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${shown(last)}`);
}

function shown(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 2000);
  } catch {
    return String(value);
  }
}
