import { isSettled, type SweepStack, SweepStackState } from '../../domain/drift/drift-sweep.ts';
import { iso } from '../../domain/time.ts';
import { ClaimRefusal } from '../../ports/drift-store.ts';
import type { ConfigurationCache } from '../configuration/trusted-stack-config.ts';
import { checkStackDrift } from './check-stack-drift.ts';
import { followDriftDetection } from './follow-drift-detection.ts';
import { openDriftSweep } from './open-drift-sweep.ts';
import type { SettleDriftDeps } from './settle-drift-detection.ts';
import { type SweepSettings, sweepSettings } from './sweep-settings.ts';

export { DEFAULT_SWEEP_SETTINGS, type SweepSettings } from './sweep-settings.ts';

export interface SweepDriftDeps extends SettleDriftDeps {
  readonly settings: SettleDriftDeps['settings'] & { readonly sweep?: Partial<SweepSettings> };
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
 * backs off with jitter when CloudFormation throttles, and settles each detection it started
 * (`settleDriftDetection`: report, decide, act). Progress is stored per stack, so an invocation
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
  const { sweep, created } = await openDriftSweep(deps, input, settings);

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
        const outcome = await followDriftDetection(deps, target, settings, timeLeft, configurations, false);
        if (outcome === 'settled') settled += 1;
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
      const outcome = await checkStackDrift(deps, {
        sweep,
        target,
        owner: input.owner,
        settings,
        timeLeft,
        configurations,
      });
      if (outcome === 'started' || outcome === 'settled') started += 1;
      if (outcome === 'settled' || outcome === 'skipped') settled += 1;
      if (outcome === 'throttled') queue.push(target);
    }
  };
  await Promise.all(Array.from({ length: settings.maxConcurrency }, worker));

  // Close the sweep once every stack is settled.
  const stacks = await drift.listSweepStacks(sweep.id);
  const counts = { pending: 0, detecting: 0, done: 0, skipped: 0 };
  for (const stack of stacks) counts[stack.state] += 1;
  const finished = stacks.every((s) => isSettled(s.state));
  if (finished) await drift.closeSweep(sweep.id, iso(clock));
  return { sweepId: sweep.id, created, started, settled, counts, finished };
}
