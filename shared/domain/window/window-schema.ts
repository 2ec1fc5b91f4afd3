import * as z from 'zod';
import { parseDuration } from '../config/parse-duration.ts';
import { parseCron } from './cron-schedule.ts';
import type { DeployWindow } from './deploy-window.ts';
import { isTimeZone } from './time-zone.ts';

const MAX_DURATION_SECONDS = 31 * 86_400;

/**
 * One entry of `windows:` (converge.yaml defaults and stacks, and the control-plane policy), as
 * written: `{ kind: deny, cron: "0 18 * * FRI", duration: 62h, timeZone: Europe/Paris, name: weekend freeze }`.
 */
export const windowEntry = z.strictObject(
  {
    kind: z.enum(['allow', 'deny'], { error: 'must be allow or deny' }),
    cron: z.string({ error: 'must be a cron expression such as "0 18 * * FRI"' }).check((ctx) => {
      const parsed = parseCron(ctx.value);
      if (!parsed.ok) ctx.issues.push({ code: 'custom', input: ctx.value, message: parsed.message });
    }),
    duration: z.string({ error: 'must be a duration such as "2h" or "62h"' }).check((ctx) => {
      const seconds = parseDuration(ctx.value);
      if (seconds === undefined || seconds < 60 || seconds > MAX_DURATION_SECONDS) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          message: `"${ctx.value}" is not a duration between 1m and 31d; write it like "2h", "62h" or "1d12h"`,
        });
      }
    }),
    timeZone: z
      .string({ error: 'must be an IANA time zone such as "Europe/Paris" or "UTC"' })
      .check((ctx) => {
        if (!isTimeZone(ctx.value))
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: `"${ctx.value}" is not an IANA time zone; write one such as "Europe/Paris", "America/New_York" or "UTC"`,
          });
      })
      .optional(),
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(100).optional(),
  },
  { error: 'each window must be a map (kind, cron, duration, timeZone, name)' },
);

/** `windows:` as written: a list of {@link windowEntry}. */
export const windowList = z.array(windowEntry, {
  error: 'must be a list of windows ({ kind: allow|deny, cron, duration, timeZone })',
});

/** Known keys of a window, for "did you mean" hints. */
export const WINDOW_KEYS = Object.keys(windowEntry.shape);

/** A window as written, resolved: the duration in seconds and UTC unless a time zone is named. */
export function toDeployWindow(entry: z.infer<typeof windowEntry>): DeployWindow {
  return {
    kind: entry.kind,
    cron: entry.cron.trim(),
    durationSeconds: parseDuration(entry.duration)!,
    timeZone: entry.timeZone ?? 'UTC',
    ...(entry.name ? { name: entry.name } : {}),
  };
}
