import type { SweepStack } from '../domain/drift/drift-sweep.ts';
import { type FinishDriftDeps, finishDriftDetection } from './finish-drift-detection.ts';
import type { SweepSettings } from './sweep-settings.ts';
import type { ConfigurationCache } from './trusted-stack-config.ts';

/**
 * Polls a running detection with backoff until it is finished (here, or by its event in another
 * invocation) or the invocation runs out of time; then its event or the next run finishes it.
 */
export async function followDriftDetection(
  deps: FinishDriftDeps,
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
