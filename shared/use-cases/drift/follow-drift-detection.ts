import type { SweepStack } from '../../domain/drift/drift-sweep.ts';
import type { ConfigurationCache } from '../configuration/trusted-stack-config.ts';
import { type SettleDriftDeps, settleDriftDetection } from './settle-drift-detection.ts';
import type { SweepSettings } from './sweep-settings.ts';

/** How {@link followDriftDetection} polls. */
export interface FollowDriftOptions {
  readonly settings: SweepSettings;
  /** Whether the invocation has time for another read. */
  readonly timeLeft: () => boolean;
  readonly configurations: ConfigurationCache;
  /** The detection was started just now: wait one delay before the first read. */
  readonly justStarted: boolean;
}

/**
 * Polls a running detection with backoff until it is finished (here, or by its event in another
 * invocation) or the invocation runs out of time; then its event or the next run settles it.
 *
 * @example
 * await followDriftDetection(deps, target, { settings, timeLeft, configurations, justStarted: true });
 */
export async function followDriftDetection(
  deps: SettleDriftDeps,
  target: SweepStack,
  { settings, timeLeft, configurations, justStarted }: FollowDriftOptions,
): Promise<'settled' | 'elsewhere' | 'running'> {
  let delay = settings.pollFirstDelayMs;
  for (let first = true; ; first = false) {
    if (!first || justStarted) {
      await deps.clock.sleep(delay);
      delay = Math.min(delay * 2, settings.pollMaxDelayMs);
    }
    if (!timeLeft()) return 'running';
    const result = await settleDriftDetection(deps, {
      sweepId: target.sweepId,
      stackKey: target.stackKey,
      configurations,
    });
    if (result.outcome === 'settled') return 'settled';
    if (result.outcome === 'ignored') return 'elsewhere';
  }
}
