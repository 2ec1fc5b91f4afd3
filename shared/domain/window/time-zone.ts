/**
 * Wall-clock time in an IANA time zone, from `Intl.DateTimeFormat` (no library, no I/O).
 * Instants are milliseconds since the epoch; a wall time is the same fields read as UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether `timeZone` is an IANA time zone this runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `instant` in `timeZone`, as milliseconds of the same fields read as UTC. */
export function wallTime(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
}

/** How far `timeZone` is ahead of UTC at `instant`, in milliseconds. */
export function offsetAt(instant: number, timeZone: string): number {
  return wallTime(instant, timeZone) - instant;
}

/**
 * The instant at which the clocks of `timeZone` show `wall` (fields read as UTC). A wall time
 * the clocks skip (spring forward) maps to the instant they jump past it; one they show twice
 * (fall back) maps to the first.
 */
export function instantOf(wall: number, timeZone: string): number {
  const before = wall - offsetAt(wall - 86_400_000, timeZone);
  const after = wall - offsetAt(wall + 86_400_000, timeZone);
  const earlier = Math.min(before, after);
  const later = Math.max(before, after);
  if (wallTime(earlier, timeZone) === wall) return earlier;
  if (wallTime(later, timeZone) === wall) return later;
  // Skipped: the clocks jumped over it; the transition lies between the two candidates.
  return transitionBetween(earlier, later, timeZone);
}

/** The first instant in (from, to] whose offset differs from `from`'s (binary search to the minute). */
function transitionBetween(from: number, to: number, timeZone: string): number {
  const start = offsetAt(from, timeZone);
  let low = from;
  let high = to;
  while (high - low > 60_000) {
    const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
    if (middle <= low) break;
    if (offsetAt(middle, timeZone) === start) low = middle;
    else high = middle;
  }
  return high;
}
