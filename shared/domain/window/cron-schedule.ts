import { instantOf, wallTime } from './time-zone.ts';

/**
 * A parsed five-field cron expression (`minute hour day-of-month month day-of-week`), read in a
 * time zone. Fields take `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n`, lists `a,b`, and
 * month and weekday names (`JAN`, `MON`); day-of-week 0 and 7 are both Sunday. As in Vixie cron,
 * when both day fields are restricted a day matches either of them.
 */
export interface CronSchedule {
  readonly text: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly dayOfMonthRestricted: boolean;
  readonly dayOfWeekRestricted: boolean;
}

/** A cron expression, or what is wrong with it in words. */
export type CronParse =
  | { readonly ok: true; readonly cron: CronSchedule }
  | { readonly ok: false; readonly message: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 0, max: 7, names: WEEKDAYS },
] as const;
const DAY_MS = 86_400_000;

/**
 * Parses a five-field cron expression.
 *
 * @example
 * const parsed = parseCron('0 18 * * FRI');
 * if (!parsed.ok) throw new Error(parsed.message);
 */
export function parseCron(text: string): CronParse {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === '') {
    return {
      ok: false,
      message: `"${text}" is not a cron expression: write five fields, minute hour day-of-month month day-of-week (e.g. "0 18 * * FRI")`,
    };
  }
  const values: Set<number>[] = [];
  for (const [index, field] of FIELDS.entries()) {
    const parsed = parseField(parts[index]!, field);
    if (typeof parsed === 'string') return { ok: false, message: `"${text}": ${parsed}` };
    values.push(parsed);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = values as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  return {
    ok: true,
    cron: {
      text,
      minutes: [...minutes].sort((a, b) => a - b),
      hours: [...hours].sort((a, b) => a - b),
      daysOfMonth,
      months,
      daysOfWeek,
      dayOfMonthRestricted: !parts[2]!.startsWith('*'),
      dayOfWeekRestricted: !parts[4]!.startsWith('*'),
    },
  };
}

/** The latest instant at or before `atOrBefore`, and not before `notBefore`, when `cron` fires in `timeZone`. */
export function previousCronMatch(
  cron: CronSchedule,
  timeZone: string,
  atOrBefore: number,
  notBefore: number,
): number | undefined {
  const lastDay = dayOf(wallTime(atOrBefore, timeZone)) + DAY_MS;
  const firstDay = dayOf(wallTime(notBefore, timeZone)) - DAY_MS;
  for (let day = lastDay; day >= firstDay; day -= DAY_MS) {
    const fires = firesOn(cron, timeZone, day);
    for (let index = fires.length - 1; index >= 0; index -= 1) {
      const at = fires[index]!;
      if (at <= atOrBefore) return at >= notBefore ? at : undefined;
    }
  }
  return undefined;
}

/** The earliest instant after `after`, and not after `notAfter`, when `cron` fires in `timeZone`. */
export function nextCronMatch(
  cron: CronSchedule,
  timeZone: string,
  after: number,
  notAfter: number,
): number | undefined {
  const firstDay = dayOf(wallTime(after, timeZone)) - DAY_MS;
  const lastDay = dayOf(wallTime(notAfter, timeZone)) + DAY_MS;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    for (const at of firesOn(cron, timeZone, day)) {
      if (at > after) return at <= notAfter ? at : undefined;
    }
  }
  return undefined;
}

/** The instants, in order, at which `cron` fires on the local calendar day starting at wall time `day`. */
function firesOn(cron: CronSchedule, timeZone: string, day: number): number[] {
  const date = new Date(day);
  if (!cron.months.has(date.getUTCMonth() + 1)) return [];
  const byMonthDay = cron.daysOfMonth.has(date.getUTCDate());
  const byWeekday = cron.daysOfWeek.has(date.getUTCDay());
  const dayMatches =
    cron.dayOfMonthRestricted && cron.dayOfWeekRestricted ? byMonthDay || byWeekday : byMonthDay && byWeekday;
  if (!dayMatches) return [];
  const fires: number[] = [];
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      const at = instantOf(day + hour * 3_600_000 + minute * 60_000, timeZone);
      if (fires.at(-1) !== at) fires.push(at);
    }
  }
  return fires.sort((a, b) => a - b);
}

function dayOf(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

function parseField(
  text: string,
  field: { name: string; min: number; max: number; names?: readonly string[] },
): Set<number> | string {
  const values = new Set<number>();
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  for (const item of text.split(',')) {
    const match = /^(\*|([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) return `${field.name} "${item}" is not a value, a range a-b, * or a step such as */15`;
    const step = match[4] === undefined ? 1 : Number(match[4]);
    if (!Number.isInteger(step) || step < 1) return `${field.name} step in "${item}" must be 1 or more`;
    const low = match[1] === '*' ? field.min : fieldValue(match[2]!, field);
    const high =
      match[1] === '*'
        ? field.max
        : match[3] !== undefined
          ? fieldValue(match[3], field)
          : match[4]
            ? field.max
            : low;
    if (low === undefined || high === undefined)
      return `${field.name} "${item}" is out of range; use ${range}`;
    if (low > high) return `${field.name} range "${item}" runs backwards; write the smaller value first`;
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

function fieldValue(
  text: string,
  field: { min: number; max: number; names?: readonly string[] },
): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
