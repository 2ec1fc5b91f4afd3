/**
 * Sortable ids (the ULID layout): 10 characters of millisecond time, then 16 characters of
 * randomness, in Crockford base 32. Ids made later sort later as plain strings, which is what
 * the store uses to order deployments and to keep a stack from moving backwards.
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LENGTH = 10;
const RANDOM_LENGTH = 16;
const MAX_TIME = 2 ** 48 - 1;
const SORTABLE_ID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** How many random bytes {@link sortableId} reads (80 bits). */
export const SORTABLE_ID_RANDOM_BYTES = 10;

/**
 * A 26-character id for the instant `timeMs`, using 10 bytes of `random`. Pure: the caller
 * supplies the time and the randomness.
 *
 * @example
 * sortableId(Date.now(), crypto.getRandomValues(new Uint8Array(10))); // '01J...'
 */
export function sortableId(timeMs: number, random: Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > MAX_TIME) {
    throw new RangeError(`sortableId needs a whole, non-negative millisecond time, got ${timeMs}`);
  }
  if (random.length < SORTABLE_ID_RANDOM_BYTES) {
    throw new RangeError(`sortableId needs ${SORTABLE_ID_RANDOM_BYTES} random bytes, got ${random.length}`);
  }
  return encodeTime(timeMs) + encodeRandom(random);
}

/** Whether `value` has the shape of a {@link sortableId}. */
export function isSortableId(value: unknown): value is string {
  return typeof value === 'string' && SORTABLE_ID.test(value);
}

/**
 * A generator of {@link sortableId}s that stay strictly increasing within one process even
 * when several are made in the same millisecond (the random part of the previous id is
 * incremented instead of drawn again).
 *
 * @example
 * const nextId = sortableIds((n) => crypto.getRandomValues(new Uint8Array(n)));
 * const a = nextId(1_700_000_000_000);
 * const b = nextId(1_700_000_000_000); // b > a
 */
export function sortableIds(random: (size: number) => Uint8Array): (timeMs: number) => string {
  let lastTime = -1;
  let lastRandom: Uint8Array = new Uint8Array(SORTABLE_ID_RANDOM_BYTES);
  return function nextSortableId(timeMs: number): string {
    if (timeMs <= lastTime) {
      lastRandom = increment(lastRandom);
      return sortableId(lastTime, lastRandom);
    }
    lastTime = timeMs;
    lastRandom = Uint8Array.from(random(SORTABLE_ID_RANDOM_BYTES).subarray(0, SORTABLE_ID_RANDOM_BYTES));
    return sortableId(timeMs, lastRandom);
  };
}

function encodeTime(timeMs: number): string {
  let out = '';
  let rest = timeMs;
  for (let i = 0; i < TIME_LENGTH; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** 80 bits as 16 five-bit digits, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < SORTABLE_ID_RANDOM_BYTES; i++) {
    buffer = (buffer << 8) | (bytes[i] ?? 0);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out.slice(0, RANDOM_LENGTH);
}

/** Adds one to a big-endian byte string; wraps to zero only after 2^80 ids in one millisecond. */
function increment(bytes: Uint8Array): Uint8Array {
  const next = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    const value = (next[i] ?? 0) + 1;
    next[i] = value & 0xff;
    if (value <= 0xff) break;
  }
  return next;
}
