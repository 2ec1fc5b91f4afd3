import type { DriftRecord } from '../domain/drift/drift-sweep.ts';

/**
 * Hears of every drift a sweep found and acted on (`record.action` is `report`, `propose-revert`
 * or `auto-revert`). Reverts are deployments (`kind: 'revert-drift'`) whose own messages, through
 * the {@link Notifier}, show the drift; so a chat channel posts only what no deployment carries
 * (`report`, including failed detections), while metrics count every one. Implementations never
 * throw for a channel failure; they report it in the result.
 */
export interface DriftNotifier {
  driftFound(record: DriftRecord): Promise<{ readonly failures: readonly string[] }>;
}
