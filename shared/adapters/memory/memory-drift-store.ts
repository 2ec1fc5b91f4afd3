import type { DriftRecord, DriftSweep, SweepStack } from '../../domain/drift/drift-sweep.ts';
import { SweepStackState } from '../../domain/drift/drift-sweep.ts';
import { ClaimRefusal, type ClaimResult, type DriftStore } from '../../ports/drift-store.ts';
import type { ListOptions } from '../../ports/store.ts';
import { requireLimit, requireText } from '../../ports/store-input.ts';

/**
 * The {@link DriftStore} in memory, with the same conditions as the DynamoDB one. Each method
 * checks and writes without yielding in between, so concurrent callers race exactly as they
 * would on conditional writes.
 *
 * @example
 * const drift = new MemoryDriftStore();
 * await drift.createSweep(sweep, stacks);
 */
export class MemoryDriftStore implements DriftStore {
  readonly #sweeps = new Map<string, DriftSweep>();
  readonly #stacks = new Map<string, SweepStack>();
  readonly #detections = new Map<string, { sweepId: string; stackKey: string }>();
  readonly #records = new Map<string, DriftRecord>();

  async createSweep(sweep: DriftSweep, stacks: readonly SweepStack[]): Promise<boolean> {
    requireText('sweep.id', sweep.id);
    if (this.#sweeps.has(sweep.id)) return false;
    this.#sweeps.set(sweep.id, copy(sweep));
    for (const stack of stacks) this.#stacks.set(key(sweep.id, stack.stackKey), copy(stack));
    return true;
  }

  async getSweep(sweepId: string): Promise<DriftSweep | undefined> {
    const sweep = this.#sweeps.get(requireText('sweepId', sweepId));
    return sweep && copy(sweep);
  }

  async listSweeps(options?: ListOptions): Promise<readonly DriftSweep[]> {
    const sweeps = [...this.#sweeps.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
    return sweeps.slice(0, requireLimit(options)).map(copy);
  }

  async closeSweep(sweepId: string, at: string): Promise<boolean> {
    const sweep = this.#sweeps.get(requireText('sweepId', sweepId));
    if (!sweep || sweep.finishedAt) return false;
    this.#sweeps.set(sweepId, { ...sweep, finishedAt: at });
    return true;
  }

  async listSweepStacks(sweepId: string, state?: SweepStack['state']): Promise<readonly SweepStack[]> {
    requireText('sweepId', sweepId);
    return [...this.#stacks.values()]
      .filter((s) => s.sweepId === sweepId && (state === undefined || s.state === state))
      .sort((a, b) => (a.stackKey < b.stackKey ? -1 : 1))
      .map(copy);
  }

  async getSweepStack(sweepId: string, stackKey: string): Promise<SweepStack | undefined> {
    const stack = this.#stacks.get(key(sweepId, stackKey));
    return stack && copy(stack);
  }

  async claimStack(
    sweepId: string,
    stackKey: string,
    owner: string,
    now: number,
    claimExpiresAt: number,
  ): Promise<ClaimResult> {
    requireText('owner', owner);
    const sweep = this.#sweeps.get(sweepId);
    const stack = this.#stacks.get(key(sweepId, stackKey));
    if (!sweep || !stack) return { claimed: false, why: ClaimRefusal.TAKEN };
    const stale =
      stack.state === SweepStackState.DETECTING &&
      stack.detectionId === undefined &&
      (stack.claimExpiresAt ?? 0) <= now;
    if (stale) {
      this.#stacks.set(key(sweepId, stackKey), { ...stack, claimedBy: owner, claimExpiresAt });
      return { claimed: true };
    }
    if (stack.state !== SweepStackState.PENDING) return { claimed: false, why: ClaimRefusal.TAKEN };
    if (sweep.inFlight >= sweep.maxConcurrency) return { claimed: false, why: ClaimRefusal.FULL };
    this.#sweeps.set(sweepId, { ...sweep, inFlight: sweep.inFlight + 1 });
    this.#stacks.set(key(sweepId, stackKey), {
      ...stack,
      state: SweepStackState.DETECTING,
      claimedBy: owner,
      claimExpiresAt,
    });
    return { claimed: true };
  }

  async recordDetection(
    sweepId: string,
    stackKey: string,
    owner: string,
    detectionId: string,
    at: string,
  ): Promise<boolean> {
    requireText('detectionId', detectionId);
    const stack = this.#stacks.get(key(sweepId, stackKey));
    if (stack?.state !== SweepStackState.DETECTING || stack.claimedBy !== owner || stack.detectionId) {
      return false;
    }
    this.#stacks.set(key(sweepId, stackKey), { ...stack, detectionId, startedAt: at });
    this.#detections.set(detectionId, { sweepId, stackKey });
    return true;
  }

  async releaseStack(sweepId: string, stackKey: string, owner: string): Promise<boolean> {
    const stack = this.#stacks.get(key(sweepId, stackKey));
    const sweep = this.#sweeps.get(sweepId);
    if (
      !sweep ||
      stack?.state !== SweepStackState.DETECTING ||
      stack.claimedBy !== owner ||
      stack.detectionId
    ) {
      return false;
    }
    const { claimedBy: _owner, claimExpiresAt: _expires, ...rest } = stack;
    this.#stacks.set(key(sweepId, stackKey), { ...rest, state: SweepStackState.PENDING });
    this.#sweeps.set(sweepId, { ...sweep, inFlight: sweep.inFlight - 1 });
    return true;
  }

  async settleStack(
    sweepId: string,
    stackKey: string,
    from: { state: SweepStack['state']; detectionId?: string },
    outcome: Pick<SweepStack, 'state' | 'action' | 'reason' | 'finishedAt'>,
  ): Promise<boolean> {
    const stack = this.#stacks.get(key(sweepId, stackKey));
    const sweep = this.#sweeps.get(sweepId);
    if (!sweep || !stack || stack.state !== from.state) return false;
    if (from.detectionId !== undefined && stack.detectionId !== from.detectionId) return false;
    this.#stacks.set(key(sweepId, stackKey), { ...stack, ...outcome });
    if (from.state === SweepStackState.DETECTING) {
      this.#sweeps.set(sweepId, { ...sweep, inFlight: sweep.inFlight - 1 });
    }
    return true;
  }

  async findDetection(detectionId: string): Promise<{ sweepId: string; stackKey: string } | undefined> {
    const found = this.#detections.get(requireText('detectionId', detectionId));
    return found && copy(found);
  }

  async saveDriftRecord(record: DriftRecord): Promise<void> {
    requireText('record.stackKey', record.stackKey);
    this.#records.set(`${record.stackKey}\u0000${record.sweepId}\u0000${record.detectionId}`, copy(record));
  }

  async listDriftRecords(stackKey: string, options?: ListOptions): Promise<readonly DriftRecord[]> {
    requireText('stackKey', stackKey);
    return [...this.#records.values()]
      .filter((r) => r.stackKey === stackKey)
      .sort((a, b) => compare(b.sweepId, a.sweepId) || compare(b.detectionId, a.detectionId))
      .slice(0, requireLimit(options))
      .map(copy);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function key(sweepId: string, stackKey: string): string {
  return `${sweepId}\u0000${stackKey}`;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
