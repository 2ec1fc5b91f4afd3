import type { SweepStack } from '../../domain/drift/drift-sweep.ts';
import type { ConfigurationCache } from '../configuration/trusted-stack-config.ts';
import { type SettleDriftDeps, settleDriftDetection } from './settle-drift-detection.ts';
import type { SweepSettings } from './sweep-settings.ts';

/**
 * Polls a running detection with backoff until it is finished (here, or by its event in another
 * invocation) or the invocation runs out of time; then its event or the next run settles it.
 */
export async function followDriftDetection(
  deps: SettleDriftDeps,
  target: SweepStack,
  settings: SweepSettings,
  timeLeft: () => boolean,
  configurations: ConfigurationCache,
  justStarted: boolean,
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
