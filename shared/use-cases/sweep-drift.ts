import { type DriftSweep, isSettled, type SweepStack, SweepStackState } from '../domain/drift/drift-sweep.ts';
import { ClaimRefusal } from '../ports/drift-store.ts';
import { deploymentInFlight } from './deployment-in-flight.ts';
import { deploymentId } from './deployment-names.ts';
import { DriftSweepInputError } from './drift-sweep-input-error.ts';
import { type FinishDriftDeps, finishDriftDetection } from './finish-drift-detection.ts';
import { managedStacks } from './managed-stacks.ts';
import { iso } from './move-deployment.ts';
import { isThrottling, retryThrottled, ThrottledTooLongError } from './retry-throttled.ts';
import type { ConfigurationCache } from './trusted-stack-config.ts';

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

export const DEFAULT_SWEEP_SETTINGS: SweepSettings = {
  maxConcurrency: 5,
  pollFirstDelayMs: 2_000,
  pollMaxDelayMs: 15_000,
  safetyMarginMs: 30_000,
  claimLeaseMs: 15 * 60_000,
};

export interface SweepDriftDeps extends FinishDriftDeps {
  readonly settings: FinishDriftDeps['settings'] & { readonly sweep?: Partial<SweepSettings> };
}

export interface SweepDriftInput {
  /** Who asked: `system:schedule`, `cli:alice`. */
  readonly requestedBy: string;
  /** This invocation, as the owner of its claims (the Lambda request id). */
  readonly owner: string;
  /** Milliseconds left before the invocation must return (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Continue this sweep; otherwise the newest unfinished one, or a new one. */
  readonly sweepId?: string;
  /** Start a new sweep even when one is unfinished (manual runs); with `stackNames`, only those stacks. */
  readonly fresh?: boolean;
  readonly stackNames?: readonly string[];
}

export interface SweepDriftResult {
  readonly sweepId: string;
  /** Whether this invocation created the sweep. */
  readonly created: boolean;
  /** Detections this invocation started. */
  readonly started: number;
  /** Stacks this invocation finished (done or skipped). */
  readonly settled: number;
  /** The sweep's stacks by state after this invocation. */
  readonly counts: Readonly<Record<SweepStack['state'], number>>;
  /** Every stack is settled; otherwise the next run continues where this one stopped. */
  readonly finished: boolean;
}

/**
 * Sweeps the managed stacks for drift: starts DetectStackDrift on each, never more than
 * `maxConcurrency` at once (the count is kept in the store, so overlapping invocations share it),
 * backs off with jitter when CloudFormation throttles, and finishes each detection it started
 * (`finishDriftDetection`: report, decide, act). Progress is stored per stack, so an invocation
 * that runs out of time leaves the rest to the next one without losing or repeating work:
 * detections still running are finished by their event or by the next run's poll.
 *
 * @throws DriftSweepInputError for a stack name that is not managed or a bad setting; nothing starts.
 * @example
 * const result = await sweepDrift(deps, { requestedBy: 'system:schedule', owner: context.awsRequestId, remainingMs: () => context.getRemainingTimeInMillis() });
 */
export async function sweepDrift(deps: SweepDriftDeps, input: SweepDriftInput): Promise<SweepDriftResult> {
  const { drift, clock } = deps;
  const settings = sweepSettings(deps.settings.sweep);
  const configurations: ConfigurationCache = new Map();
  const timeLeft = () => input.remainingMs() > settings.safetyMarginMs;

  // Continue the unfinished sweep, or start a new one over the managed stacks.
  const { sweep, created } = await openSweep(deps, input, settings);

  // Finish detections earlier runs started whose event never came, then start the rest.
  let settled = 0;
  const now = clock.now();
  const all = await drift.listSweepStacks(sweep.id);
  const queue = [
    ...all.filter((s) => s.state === SweepStackState.DETECTING && s.detectionId),
    ...all.filter(
      (s) =>
        s.state === SweepStackState.PENDING ||
        (s.state === SweepStackState.DETECTING && !s.detectionId && (s.claimExpiresAt ?? 0) <= now),
    ),
  ];
  let started = 0;
  const worker = async (): Promise<void> => {
    let waitMs = settings.pollFirstDelayMs;
    for (let next = queue.shift(); next && timeLeft(); next = queue.shift()) {
      const target = next;
      if (target.detectionId) {
        const outcome = await followDetection(deps, target, settings, timeLeft, configurations, false);
        if (outcome === 'finished') settled += 1;
        continue;
      }
      const claim = await drift.claimStack(
        sweep.id,
        target.stackKey,
        input.owner,
        clock.now(),
        clock.now() + settings.claimLeaseMs,
      );
      if (!claim.claimed) {
        // Another invocation holds every slot: wait for one to free up, then try again.
        if (claim.why === ClaimRefusal.FULL) {
          queue.unshift(target);
          await clock.sleep(waitMs);
          waitMs = Math.min(waitMs * 2, settings.pollMaxDelayMs);
        }
        continue;
      }
      waitMs = settings.pollFirstDelayMs;
      const outcome = await detectAndFinish(deps, {
        sweep,
        target,
        owner: input.owner,
        settings,
        timeLeft,
        configurations,
      });
      if (outcome === 'started' || outcome === 'finished') started += 1;
      if (outcome === 'finished' || outcome === 'skipped') settled += 1;
      if (outcome === 'throttled') queue.push(target);
    }
  };
  await Promise.all(Array.from({ length: settings.maxConcurrency }, worker));

  // Close the sweep once every stack is settled.
  const stacks = await drift.listSweepStacks(sweep.id);
  const counts = { pending: 0, detecting: 0, done: 0, skipped: 0 };
  for (const stack of stacks) counts[stack.state] += 1;
  const finished = stacks.every((s) => isSettled(s.state));
  if (finished) await drift.finishSweep(sweep.id, iso(clock));
  return { sweepId: sweep.id, created, started, settled, counts, finished };
}

type StackOutcome = 'started' | 'finished' | 'skipped' | 'throttled' | 'lost';

/** One stack: skip it if a deployment is in flight, else start detection and poll it to the end (or the deadline). */
async function detectAndFinish(
  deps: SweepDriftDeps,
  context: {
    sweep: DriftSweep;
    target: SweepStack;
    owner: string;
    settings: SweepSettings;
    timeLeft: () => boolean;
    configurations: ConfigurationCache;
  },
): Promise<StackOutcome> {
  const { drift, stacks, clock, store } = deps;
  const { sweep, target, owner, settings } = context;
  const skip = (reason: string) =>
    drift.settleStack(
      sweep.id,
      target.stackKey,
      { state: SweepStackState.DETECTING },
      { state: SweepStackState.SKIPPED, action: 'skip', reason, finishedAt: iso(clock) },
    );

  // A deployment in flight may be the drift's cause: check the stack next sweep.
  if (await deploymentInFlight(deps, target.stackKey)) {
    await skip('A deployment of this stack is in flight; the next sweep checks it again.');
    await store.appendAudit({
      subject: `stack#${target.stackKey}`,
      action: 'drift-skip',
      actor: 'system:drift',
      reason: 'a deployment is in flight',
      at: iso(clock),
      data: { sweepId: sweep.id },
    });
    return 'skipped';
  }

  // Start detection; throttling backs off, and past its bound the stack goes back to pending.
  let detectionId: string;
  try {
    detectionId = await retryThrottled(
      deps,
      'DetectStackDrift',
      () => stacks.detectDrift(target.stack),
      deps.settings.throttle,
    );
  } catch (error) {
    if (error instanceof ThrottledTooLongError || isThrottling(error)) {
      await drift.releaseStack(sweep.id, target.stackKey, owner);
      return 'throttled';
    }
    await skip(`Drift detection could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 'skipped';
  }
  if (!(await drift.recordDetection(sweep.id, target.stackKey, owner, detectionId, iso(clock))))
    return 'lost';

  const outcome = await followDetection(
    deps,
    target,
    settings,
    context.timeLeft,
    context.configurations,
    true,
  );
  return outcome === 'finished' ? 'finished' : 'started';
}

/**
 * Polls a running detection with backoff until it is finished (here, or by its event in another
 * invocation) or the invocation runs out of time; then its event or the next run finishes it.
 */
async function followDetection(
  deps: SweepDriftDeps,
  target: SweepStack,
  settings: SweepSettings,
  timeLeft: () => boolean,
  configurations: ConfigurationCache,
  justStarted: boolean,
): Promise<'finished' | 'elsewhere' | 'running'> {
  let delay = settings.pollFirstDelayMs;
  for (let first = true; ; first = false) {
    if (!first || justStarted) {
      await deps.clock.sleep(delay);
      delay = Math.min(delay * 2, settings.pollMaxDelayMs);
    }
    if (!timeLeft()) return 'running';
    const result = await finishDriftDetection(deps, {
      sweepId: target.sweepId,
      stackKey: target.stackKey,
      configurations,
    });
    if (result.outcome === 'finished') return 'finished';
    if (result.outcome === 'ignored') return 'elsewhere';
  }
}

async function openSweep(
  deps: SweepDriftDeps,
  input: SweepDriftInput,
  settings: SweepSettings,
): Promise<{ sweep: DriftSweep; created: boolean }> {
  const { drift, clock } = deps;
  if (input.sweepId) {
    const sweep = await drift.getSweep(input.sweepId);
    if (!sweep)
      throw new DriftSweepInputError(
        `Sweep ${input.sweepId} does not exist; list sweeps with converge drift list.`,
      );
    return { sweep, created: false };
  }
  if (!input.fresh && !input.stackNames?.length) {
    const [latest] = await drift.listSweeps({ limit: 1 });
    if (latest && !latest.finishedAt) {
      // Events may have settled its last stacks: close it then, and start the next sweep.
      const open = (await drift.listSweepStacks(latest.id)).some((s) => !isSettled(s.state));
      if (open) return { sweep: latest, created: false };
      await drift.finishSweep(latest.id, iso(clock));
    }
  }
  const stacks = await managedStacks(deps, input.stackNames);
  const startedAt = iso(clock);
  const sweep: DriftSweep = {
    id: deploymentId(
      clock.now(),
      `sweep|${input.requestedBy}|${input.owner}|${(input.stackNames ?? []).join(',')}`,
    ),
    startedAt,
    requestedBy: input.requestedBy,
    total: stacks.length,
    maxConcurrency: settings.maxConcurrency,
    inFlight: 0,
  };
  const rows: SweepStack[] = stacks.map((s) => ({ ...s, sweepId: sweep.id, state: SweepStackState.PENDING }));
  const created = await drift.createSweep(sweep, rows);
  return { sweep: created ? sweep : ((await drift.getSweep(sweep.id)) ?? sweep), created };
}

function sweepSettings(overrides: Partial<SweepSettings> = {}): SweepSettings {
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

/** Runs `task` over `items` with at most `size` at once. */
async function pool<T>(size: number, items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(size, queue.length) }, worker));
}
