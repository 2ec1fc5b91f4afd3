import type { DriftRecord, DriftSweep, SweepStack } from '../domain/drift/drift-sweep.ts';
import type { ListOptions } from './store.ts';

/** Why a claim on a sweep's stack was refused. */
export const ClaimRefusal = {
  /** Another invocation claimed (or settled) the stack first. */
  TAKEN: 'taken',
  /** The sweep already has `maxConcurrency` detections in flight: wait for one to finish. */
  FULL: 'full',
} as const;
export type ClaimRefusal = (typeof ClaimRefusal)[keyof typeof ClaimRefusal];

export type ClaimResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly why: ClaimRefusal };

/**
 * Drift sweeps, their per-stack progress and the drift records, kept beside the {@link Store}
 * (in DynamoDB, in the same table: docs/drift.md). Every state change of a sweep's stack is a
 * conditional write, so two overlapping invocations never start the same detection twice, and
 * the sweep's `inFlight` count never passes its `maxConcurrency`.
 */
export interface DriftStore {
  /** Creates the sweep and its stacks (all `pending`); false, writing nothing more, when it exists. */
  createSweep(sweep: DriftSweep, stacks: readonly SweepStack[]): Promise<boolean>;
  getSweep(sweepId: string): Promise<DriftSweep | undefined>;
  /** Sweeps, newest first. */
  listSweeps(options?: ListOptions): Promise<readonly DriftSweep[]>;
  /** Marks the sweep finished (once every stack is settled); false when it already was. */
  closeSweep(sweepId: string, at: string): Promise<boolean>;
  /** The sweep's stacks in stack-key order, optionally only those in `state`. */
  listSweepStacks(sweepId: string, state?: SweepStack['state']): Promise<readonly SweepStack[]>;
  getSweepStack(sweepId: string, stackKey: string): Promise<SweepStack | undefined>;

  /**
   * `pending` → `detecting` for `owner` until `claimExpiresAt`, and `inFlight + 1` on the sweep,
   * only while `inFlight < maxConcurrency`. A `detecting` stack without a detection id whose
   * claim expired (its invocation died before DetectStackDrift answered) can be claimed again;
   * `inFlight` stays as it is then.
   */
  claimStack(
    sweepId: string,
    stackKey: string,
    owner: string,
    now: number,
    claimExpiresAt: number,
  ): Promise<ClaimResult>;
  /** Records the detection id on a stack `owner` holds; false when `owner` no longer holds it. */
  recordDetection(
    sweepId: string,
    stackKey: string,
    owner: string,
    detectionId: string,
    at: string,
  ): Promise<boolean>;
  /** Gives a claimed stack back (`detecting` without a detection id → `pending`, `inFlight - 1`). */
  releaseStack(sweepId: string, stackKey: string, owner: string): Promise<boolean>;
  /**
   * Settles a stack: `pending` or `detecting` → `done` / `skipped`, with what was done about it;
   * `inFlight - 1` when it was `detecting`. Conditional on the state read (and detection id, when
   * given): false when another invocation settled it first, so only one of them acts.
   */
  settleStack(
    sweepId: string,
    stackKey: string,
    from: { state: SweepStack['state']; detectionId?: string },
    outcome: Pick<SweepStack, 'state' | 'action' | 'reason' | 'finishedAt'>,
  ): Promise<boolean>;
  /** The sweep stack a detection belongs to, for "Drift Detection Status Change" events. */
  findDetection(detectionId: string): Promise<{ sweepId: string; stackKey: string } | undefined>;

  /** Saves what a detection found and what was done (one per sweep and detection; a repeat overwrites it). */
  saveDriftRecord(record: DriftRecord): Promise<void>;
  /** Drift records of one stack, newest sweep first. */
  listDriftRecords(stackKey: string, options?: ListOptions): Promise<readonly DriftRecord[]>;
}
