import type { StackRef } from '../deployment/deployment.ts';
import type { DriftAction } from './drift-decision.ts';
import type { DriftPolicy } from './drift-policy.ts';
import type { DriftReport } from './drift-report.ts';

/** Where one stack is within a drift sweep. */
export const SweepStackState = {
  /** Not started yet. */
  PENDING: 'pending',
  /** Claimed by an invocation; `detectionId` is set once DetectStackDrift answered. */
  DETECTING: 'detecting',
  /** Detection finished and its result was recorded and acted on. */
  DONE: 'done',
  /** Left alone this sweep (a deployment in flight, or detection could not start); the next sweep checks it. */
  SKIPPED: 'skipped',
} as const;
export type SweepStackState = (typeof SweepStackState)[keyof typeof SweepStackState];

/** Whether the stack needs nothing more from this sweep. */
export function isSettled(state: SweepStackState): boolean {
  return state === SweepStackState.DONE || state === SweepStackState.SKIPPED;
}

/** One drift sweep over the managed stacks (scheduled or `converge drift sweep`). */
export interface DriftSweep {
  /** A sortable id: sweeps list newest first. */
  readonly id: string;
  readonly startedAt: string;
  /** `system:schedule`, `cli:alice`, ... */
  readonly requestedBy: string;
  /** How many stacks the sweep covers. */
  readonly total: number;
  /** At most this many detections run at once, across every invocation working on the sweep. */
  readonly maxConcurrency: number;
  /** Detections claimed and not finished yet (the store keeps it below `maxConcurrency`). */
  readonly inFlight: number;
  /** Set once every stack is settled. */
  readonly finishedAt?: string;
}

/** One stack of a sweep: what to check and how far the check got. */
export interface SweepStack {
  readonly sweepId: string;
  readonly stackKey: string;
  readonly stack: StackRef;
  /** `owner/name` of the repository that configures the stack. */
  readonly repository: string;
  /** The last applied revision: its converge.yaml gives the drift policy, its template the revert. */
  readonly revision: string;
  readonly state: SweepStackState;
  /** The invocation that claimed the stack, and until when its claim holds without a detection id. */
  readonly claimedBy?: string;
  readonly claimExpiresAt?: number;
  readonly detectionId?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** What the sweep did about the stack (`none`, `report`, `propose-revert`, `auto-revert`, `skip`). */
  readonly action?: DriftAction;
  readonly reason?: string;
}

/** What the sweep did with a stack's drift: the record `converge drift list` shows. */
export interface DriftRecord {
  readonly stackKey: string;
  readonly sweepId: string;
  readonly detectionId: string;
  readonly repository: string;
  readonly revision: string;
  readonly policy: DriftPolicy;
  /** The report after ignore rules (`ignored` lists what they left out). */
  readonly report: DriftReport;
  readonly action: DriftAction;
  readonly why: string;
  /** The revert-drift deployment, when the policy reverts. */
  readonly deploymentId?: string;
  readonly recordedAt: string;
}
