import { type CronSchedule, nextCronMatch, parseCron, previousCronMatch } from './cron-schedule.ts';

/** Whether a window lets executions run, or holds them. */
export const WindowKind = { ALLOW: 'allow', DENY: 'deny' } as const;
export type WindowKind = (typeof WindowKind)[keyof typeof WindowKind];

/**
 * A recurring window: it opens each time `cron` fires in `timeZone` and stays open for
 * `durationSeconds`. A deny window (a freeze) holds executions while open; allow windows, when a
 * layer has any, are the only times that layer lets executions run.
 */
export interface DeployWindow {
  readonly kind: WindowKind;
  /** Five-field cron expression: when each occurrence opens. */
  readonly cron: string;
  readonly durationSeconds: number;
  /** IANA time zone the cron expression is read in. */
  readonly timeZone: string;
  /** What people call it (`weekend freeze`), shown in messages. */
  readonly name?: string;
}

/**
 * The windows one trusted source sets (the control-plane policy, or the stack's trusted
 * `converge.yaml`). Every layer must allow an execution: a repository adds to the policy's
 * windows and never widens them.
 */
export interface WindowLayer {
  /** Where the windows come from, in words (`control-plane policy`, `converge.yaml at 4f2a9c1`). */
  readonly from: string;
  readonly windows: readonly DeployWindow[];
}

/** Whether an execution may start at an instant, and if not, why and from when it may. */
export type WindowDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Which window holds it, in words (`deny window "weekend freeze" (control-plane policy)`). */
      readonly because: string;
      /** The next instant every layer allows (ms since the epoch); undefined when none within a year. */
      readonly mayRunAt?: number;
    };

/** How far ahead {@link windowDecision} looks for the next allowed instant. */
export const WINDOW_HORIZON_MS = 366 * 86_400_000;
const MAX_STEPS = 2_000;

/**
 * Whether executions may start at `now` under every layer's windows: no deny window is open,
 * and in each layer that has allow windows, one of them is open. When not, the earliest later
 * instant when they may. Pure: `now` comes from the caller's clock.
 *
 * @example
 * const decision = windowDecision([{ from: 'control-plane policy', windows: [freeze] }], clock.now());
 * if (!decision.allowed) console.log(`held: ${decision.because}; may run at ${new Date(decision.mayRunAt!).toISOString()}`);
 */
export function windowDecision(layers: readonly WindowLayer[], now: number): WindowDecision {
  const compiled = layers.map((layer) => ({
    from: layer.from,
    windows: layer.windows.map((window) => ({ window, cron: compile(window.cron) })),
  }));
  const first = blockAt(compiled, now);
  if (!first) return { allowed: true };
  let at = first.until;
  for (let step = 0; step < MAX_STEPS && at !== undefined && at - now <= WINDOW_HORIZON_MS; step += 1) {
    const block = blockAt(compiled, at);
    if (!block) return { allowed: false, because: first.because, mayRunAt: at };
    at = block.until;
  }
  return { allowed: false, because: first.because };
}

/** Whether one window is open at `at`. */
export function isWindowOpen(window: DeployWindow, at: number): boolean {
  return openSince({ window, cron: compile(window.cron) }, at) !== undefined;
}

interface Compiled {
  readonly window: DeployWindow;
  readonly cron: CronSchedule;
}

/** What holds executions at `at`, and the earliest instant the hold can end (undefined: not within the horizon). */
function blockAt(
  layers: readonly { from: string; windows: readonly Compiled[] }[],
  at: number,
): { because: string; until: number | undefined } | undefined {
  // An open deny window holds until the last of the open ones closes.
  const denies = layers.flatMap((layer) =>
    layer.windows
      .filter((c) => c.window.kind === WindowKind.DENY)
      .map((c) => ({ from: layer.from, c, since: openSince(c, at) }))
      .filter((open) => open.since !== undefined),
  );
  if (denies.length > 0) {
    const until = Math.max(...denies.map((open) => open.since! + open.c.window.durationSeconds * 1000));
    return { because: `${describe(denies[0]!.c.window)} (${denies[0]!.from}) is open`, until };
  }
  // A layer with allow windows, none open, holds until the next one opens.
  for (const layer of layers) {
    const allows = layer.windows.filter((c) => c.window.kind === WindowKind.ALLOW);
    if (allows.length === 0 || allows.some((c) => openSince(c, at) !== undefined)) continue;
    const opens = allows
      .map((c) => nextCronMatch(c.cron, c.window.timeZone, at, at + WINDOW_HORIZON_MS))
      .filter((next): next is number => next !== undefined);
    const names = allows.map((c) => describe(c.window)).join(', ');
    return {
      because: `no allow window of the ${layer.from} is open (${names})`,
      until: opens.length > 0 ? Math.min(...opens) : undefined,
    };
  }
  return undefined;
}

/** When the occurrence of the window that covers `at` opened, if one does. */
function openSince({ window, cron }: Compiled, at: number): number | undefined {
  const lengthMs = window.durationSeconds * 1000;
  const since = previousCronMatch(cron, window.timeZone, at, at - lengthMs + 1);
  return since !== undefined && at < since + lengthMs ? since : undefined;
}

function describe(window: DeployWindow): string {
  const name = window.name ? ` "${window.name}"` : '';
  return `${window.kind} window${name} (${window.cron}, ${window.timeZone})`;
}

function compile(text: string): CronSchedule {
  const parsed = parseCron(text);
  // Windows are validated when their file is parsed; one that is not never lets anything through.
  if (!parsed.ok) throw new Error(`Invalid window cron: ${parsed.message}`);
  return parsed.cron;
}
