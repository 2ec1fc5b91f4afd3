import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import type { DriftNotifier } from '../../ports/drift-notifier.ts';

/** Records every drift notification, for tests and the local function host's log. */
export class MemoryDriftNotifier implements DriftNotifier {
  readonly sent: DriftRecord[] = [];
  /** When set, every notification reports this failure instead of succeeding. */
  failWith?: string;

  async driftFound(record: DriftRecord): Promise<{ readonly failures: readonly string[] }> {
    if (this.failWith) return { failures: [`memory: ${this.failWith}`] };
    this.sent.push(structuredClone(record));
    return { failures: [] };
  }
}
