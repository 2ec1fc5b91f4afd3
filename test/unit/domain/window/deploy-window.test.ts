import { describe, expect, it } from 'vitest';
import {
  type DeployWindow,
  isWindowOpen,
  type WindowLayer,
  windowDecision,
} from '../../../../shared/domain/window/deploy-window.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const HOUR = 3600;

/** Friday 18:00 to Monday 08:00 in Paris. */
const weekendFreeze: DeployWindow = {
  kind: 'deny',
  cron: '0 18 * * FRI',
  durationSeconds: 62 * HOUR,
  timeZone: 'Europe/Paris',
  name: 'weekend freeze',
};
/** Weekdays 09:00 to 17:00 in Paris. */
const businessHours: DeployWindow = {
  kind: 'allow',
  cron: '0 9 * * MON-FRI',
  durationSeconds: 8 * HOUR,
  timeZone: 'Europe/Paris',
};
const policy = (...windows: DeployWindow[]): WindowLayer => ({ from: 'control-plane policy', windows });
const repository = (...windows: DeployWindow[]): WindowLayer => ({
  from: 'converge.yaml at 4f2a9c1',
  windows,
});

describe('windowDecision', () => {
  it('allows everything when no layer has windows', () => {
    expect(windowDecision([], at('2026-06-06T12:00:00Z'))).toEqual({ allowed: true });
    expect(windowDecision([policy(), repository()], at('2026-06-06T12:00:00Z'))).toEqual({ allowed: true });
  });

  it('holds inside a deny window and says when it closes', () => {
    // Saturday 2026-06-06: the freeze opened Friday 18:00 Paris (16:00Z) and closes Monday 08:00 Paris (06:00Z).
    const decision = windowDecision([policy(weekendFreeze)], at('2026-06-06T12:00:00Z'));
    expect(decision).toMatchObject({ allowed: false, because: expect.stringContaining('weekend freeze') });
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-08T06:00:00.000Z');
  });

  it('opens at the exact end of a deny window, and holds at its exact start', () => {
    expect(windowDecision([policy(weekendFreeze)], at('2026-06-08T06:00:00Z')).allowed).toBe(true);
    expect(windowDecision([policy(weekendFreeze)], at('2026-06-05T15:59:59Z')).allowed).toBe(true);
    expect(windowDecision([policy(weekendFreeze)], at('2026-06-05T16:00:00Z')).allowed).toBe(false);
  });

  it('outside every allow window, waits for the next one to open', () => {
    // Tuesday 2026-06-02 18:00 Paris (16:00Z): next opening Wednesday 09:00 Paris (07:00Z).
    const decision = windowDecision([policy(businessHours)], at('2026-06-02T16:00:00Z'));
    expect(decision.allowed).toBe(false);
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-03T07:00:00.000Z');
    expect(windowDecision([policy(businessHours)], at('2026-06-03T10:00:00Z')).allowed).toBe(true);
  });

  it('lets a deny window beat an allow window that is open at the same time', () => {
    const friday = { ...weekendFreeze, cron: '0 12 * * FRI', durationSeconds: 70 * HOUR };
    // Friday 2026-06-05 14:00 Paris is inside business hours and inside the freeze.
    const decision = windowDecision([policy(businessHours, friday)], at('2026-06-05T12:00:00Z'));
    expect(decision.allowed).toBe(false);
    // The freeze ends Monday 10:00 Paris, inside Monday's business hours.
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-08T08:00:00.000Z');
  });

  it('chains holds: a freeze ending outside the allow windows waits for the next allow window', () => {
    const evening = { ...weekendFreeze, cron: '0 16 * * TUE', durationSeconds: 3 * HOUR };
    // Tuesday 16:30 Paris: frozen until 19:00, then outside business hours until Wednesday 09:00.
    const decision = windowDecision([policy(businessHours, evening)], at('2026-06-02T14:30:00Z'));
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-03T07:00:00.000Z');
  });

  it('a repository layer cannot widen the policy: its allow windows only narrow', () => {
    const nights: DeployWindow = {
      kind: 'allow',
      cron: '0 22 * * *',
      durationSeconds: 6 * HOUR,
      timeZone: 'UTC',
    };
    // Tuesday 23:00Z: the repository allows it, the policy's business hours do not.
    const decision = windowDecision([policy(businessHours), repository(nights)], at('2026-06-02T23:00:00Z'));
    expect(decision).toMatchObject({
      allowed: false,
      because: expect.stringContaining('control-plane policy'),
    });
    // There is no instant both allow within a working week: 22:00-04:00Z never meets 07:00-15:00Z.
    expect(decision.allowed ? 'allowed' : decision.mayRunAt).toBeUndefined();
  });

  it('a repository deny window holds even when the policy allows', () => {
    const release = { ...weekendFreeze, cron: '0 10 2 6 *', durationSeconds: 2 * HOUR, timeZone: 'UTC' };
    const decision = windowDecision([policy(businessHours), repository(release)], at('2026-06-02T11:00:00Z'));
    expect(decision).toMatchObject({
      allowed: false,
      because: expect.stringContaining('converge.yaml at 4f2a9c1'),
    });
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-02T12:00:00.000Z');
  });

  it('overlapping deny windows hold until the last of them closes', () => {
    const short = { ...weekendFreeze, cron: '0 10 * * *', durationSeconds: HOUR, timeZone: 'UTC' };
    const long = { ...weekendFreeze, cron: '30 10 * * *', durationSeconds: 2 * HOUR, timeZone: 'UTC' };
    const decision = windowDecision([policy(short, long)], at('2026-06-02T10:45:00Z'));
    expect(iso(decision.allowed ? undefined : decision.mayRunAt)).toBe('2026-06-02T12:30:00.000Z');
  });
});

describe('isWindowOpen', () => {
  it('is open from each start for its duration', () => {
    expect(isWindowOpen(weekendFreeze, at('2026-06-07T12:00:00Z'))).toBe(true);
    expect(isWindowOpen(weekendFreeze, at('2026-06-09T12:00:00Z'))).toBe(false);
  });
});
