import { AuditAction } from '../../domain/deployment/audit-action.ts';
import type { DriftSweep, SweepStack } from '../../domain/drift/drift-sweep.ts';
import { SweepStackState } from '../../domain/drift/drift-sweep.ts';
import { iso } from '../../domain/time.ts';
import type { ConfigurationCache } from '../configuration/trusted-stack-config.ts';
import { deploymentInFlight } from '../deployment/deployment-in-flight.ts';
import { isThrottling, retryThrottled, ThrottledTooLongError } from '../deployment/retry-throttled.ts';
import { actingAs, driftSession } from '../deployment/stack-session.ts';
import { followDriftDetection } from './follow-drift-detection.ts';
import type { SettleDriftDeps } from './settle-drift-detection.ts';
import type { SweepSettings } from './sweep-settings.ts';

/** What happened to one stack an invocation claimed. */
export type StackOutcome = 'started' | 'settled' | 'skipped' | 'throttled' | 'lost';

/** One stack: skip it if a deployment is in flight, else start detection and poll it to the end (or the deadline). */
export async function checkStackDrift(
  deps: SettleDriftDeps,
  context: {
    sweep: DriftSweep;
    target: SweepStack;
    owner: string;
    settings: SweepSettings;
    timeLeft: () => boolean;
    configurations: ConfigurationCache;
  },
): Promise<StackOutcome> {
  const { drift, clock, store } = deps;
  const { sweep, target, owner, settings } = context;
  // Target accounts see the sweep's calls under a session named after the sweep.
  const stacks = actingAs(deps.stacks, driftSession(sweep.id));
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
      action: AuditAction.DRIFT_SKIP,
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

  const outcome = await followDriftDetection(deps, target, {
    settings,
    timeLeft: context.timeLeft,
    configurations: context.configurations,
    justStarted: true,
  });
  return outcome === 'settled' ? 'settled' : 'started';
}
