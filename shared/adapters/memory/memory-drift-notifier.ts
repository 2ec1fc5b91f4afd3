import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import type { DriftNotifier } from '../../ports/drift-notifier.ts';

/** Records every drift notification (every action but none and skip), for tests and the local function host's log. */
export class MemoryDriftNotifier implements DriftNotifier {
  readonly all: DriftRecord[] = [];
  /** The ones a chat channel posts: `report` records (reverts are told by their deployment). */
  get sent(): DriftRecord[] {
    return this.all.filter((record) => record.action === 'report');
  }
  /** When set, every notification reports this failure instead of succeeding. */
  failWith?: string;

  async driftFound(record: DriftRecord): Promise<{ readonly failures: readonly string[] }> {
    if (this.failWith) return { failures: [`memory: ${this.failWith}`] };
    this.all.push(structuredClone(record));
    return { failures: [] };
  }
}
