import type { DriftRecord } from '../domain/drift/drift-sweep.ts';

/**
 * Tells people about drift a sweep found when no deployment carries it: the `report` policy, a
 * failed detection, or a revert that could not be planned. Reverts are deployments
 * (`kind: 'revert-drift'`) and are told through the {@link Notifier} with the drift attached.
 * Implementations never throw for a channel failure; they report it in the result.
 */
export interface DriftNotifier {
  driftFound(record: DriftRecord): Promise<{ readonly failures: readonly string[] }>;
}
