import { describe, expect, it } from 'vitest';
import {
  nextCronMatch,
  parseCron,
  previousCronMatch,
} from '../../../../shared/domain/window/cron-schedule.ts';
import { instantOf, isTimeZone, wallTime } from '../../../../shared/domain/window/time-zone.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const DAY = 86_400_000;

function cron(text: string) {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cron;
}

describe('parseCron', () => {
  it.each([
    ['0 18 * * FRI', { minutes: [0], hours: [18] }],
    ['*/15 9-17 * * 1-5', { minutes: [0, 15, 30, 45], hours: [9, 10, 11, 12, 13, 14, 15, 16, 17] }],
    ['5,35 0 1 jan,jul *', { minutes: [5, 35], hours: [0] }],
  ])('reads %s', (text, expected) => {
    expect(cron(text)).toMatchObject(expected);
  });

  it('reads day-of-week 7 as Sunday', () => {
    expect([...cron('0 0 * * 7').daysOfWeek]).toEqual([0]);
  });

  it.each([
    ['0 18 * *', 'five fields'],
    ['60 * * * *', 'minute "60" is out of range'],
    ['0 24 * * *', 'hour "24" is out of range'],
    ['0 0 0 * *', 'day-of-month "0" is out of range'],
    ['0 0 * 13 *', 'month "13" is out of range'],
    ['0 0 * * 8', 'day-of-week "8" is out of range'],
    ['0 0 * * FRY', 'day-of-week "FRY" is out of range'],
    ['*/0 * * * *', 'step in "*/0" must be 1 or more'],
    ['0 17-9 * * *', 'runs backwards'],
    ['0 ? * * *', 'is not a value'],
  ])('refuses %s, saying what is wrong', (text, message) => {
    const parsed = parseCron(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('maps wall time to instants across daylight-saving changes', () => {
    // Paris: UTC+1 in winter, UTC+2 from 2026-03-29 01:00Z.
    expect(iso(instantOf(at('2026-01-15T09:00:00Z'), 'Europe/Paris'))).toBe('2026-01-15T08:00:00.000Z');
    expect(iso(instantOf(at('2026-07-15T09:00:00Z'), 'Europe/Paris'))).toBe('2026-07-15T07:00:00.000Z');
    // 02:30 does not exist on 2026-03-29 in Paris: it maps to the jump (03:00 local, 01:00Z).
    expect(iso(instantOf(at('2026-03-29T02:30:00Z'), 'Europe/Paris'))).toBe('2026-03-29T01:00:00.000Z');
    // 02:30 happens twice on 2026-10-25: the first one counts.
    expect(iso(instantOf(at('2026-10-25T02:30:00Z'), 'Europe/Paris'))).toBe('2026-10-25T00:30:00.000Z');
    expect(wallTime(at('2026-10-25T00:30:00Z'), 'Europe/Paris')).toBe(at('2026-10-25T02:30:00Z'));
  });
});

describe('nextCronMatch and previousCronMatch', () => {
  it('finds the next Friday 18:00 in New York, in its own time zone', () => {
    const friday = cron('0 18 * * FRI');
    // Wednesday 2026-06-03: next is Friday 2026-06-05 18:00 EDT = 22:00Z.
    const next = nextCronMatch(
      friday,
      'America/New_York',
      at('2026-06-03T12:00:00Z'),
      at('2026-07-01T00:00:00Z'),
    );
    expect(iso(next)).toBe('2026-06-05T22:00:00.000Z');
    // Exactly at a match, the next one is a week later.
    expect(iso(nextCronMatch(friday, 'America/New_York', next!, next! + 30 * DAY))).toBe(
      '2026-06-12T22:00:00.000Z',
    );
  });

  it('finds the latest match at or before an instant, within the bound', () => {
    const daily = cron('30 9 * * *');
    const now = at('2026-06-03T09:29:00Z');
    expect(iso(previousCronMatch(daily, 'UTC', now, now - 2 * DAY))).toBe('2026-06-02T09:30:00.000Z');
    expect(iso(previousCronMatch(daily, 'UTC', at('2026-06-03T09:30:00Z'), now))).toBe(
      '2026-06-03T09:30:00.000Z',
    );
    expect(previousCronMatch(daily, 'UTC', now, now - 60_000)).toBeUndefined();
  });

  it('matches either day field when both are restricted (Vixie cron)', () => {
    const firstOrMonday = cron('0 0 1 * MON');
    // 2026-06-01 is a Monday; 2026-06-08 a Monday; 2026-07-01 a Wednesday.
    const from = at('2026-06-01T00:00:00Z');
    expect(iso(nextCronMatch(firstOrMonday, 'UTC', from, from + 60 * DAY))).toBe('2026-06-08T00:00:00.000Z');
    const late = at('2026-06-29T00:00:00Z');
    expect(iso(nextCronMatch(firstOrMonday, 'UTC', late, late + 60 * DAY))).toBe('2026-07-01T00:00:00.000Z');
  });

  it('returns undefined when nothing fires before the bound', () => {
    const leapDay = cron('0 0 29 2 *');
    const from = at('2026-03-01T00:00:00Z');
    expect(nextCronMatch(leapDay, 'UTC', from, from + 365 * DAY)).toBeUndefined();
    expect(iso(nextCronMatch(leapDay, 'UTC', from, from + 3 * 365 * DAY))).toBe('2028-02-29T00:00:00.000Z');
  });
});
