import { deploymentId } from '../../domain/deployment/deployment-names.ts';
import {
  type DriftSweep,
  isSettled,
  type SweepStack,
  SweepStackState,
} from '../../domain/drift/drift-sweep.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { DriftStore } from '../../ports/drift-store.ts';
import type { Store } from '../../ports/store.ts';
import { DriftSweepInputError } from './drift-sweep-input-error.ts';
import { managedStacks } from './managed-stacks.ts';
import type { SweepSettings } from './sweep-settings.ts';

/** What picks or starts a sweep (see `SweepDriftInput`). */
export interface OpenSweepInput {
  readonly requestedBy: string;
  readonly owner: string;
  readonly sweepId?: string;
  readonly fresh?: boolean;
  readonly stackNames?: readonly string[];
}

/**
 * The sweep an invocation works on: the one named, else the newest unfinished one (closed first
 * when events already settled all its stacks), else a new one over the managed stacks.
 *
 * @throws DriftSweepInputError for a sweep id that does not exist or a stack name not managed.
 */
export async function openDriftSweep(
  deps: { readonly drift: DriftStore; readonly store: Store; readonly clock: Clock },
  input: OpenSweepInput,
  settings: SweepSettings,
): Promise<{ sweep: DriftSweep; created: boolean }> {
  const { drift, clock } = deps;
  if (input.sweepId) {
    const sweep = await drift.getSweep(input.sweepId);
    if (!sweep)
      throw new DriftSweepInputError(
        `Sweep ${input.sweepId} does not exist; list sweeps with converge drift list.`,
      );
    return { sweep, created: false };
  }
  if (!input.fresh && !input.stackNames?.length) {
    const [latest] = await drift.listSweeps({ limit: 1 });
    if (latest && !latest.finishedAt) {
      // Events may have settled its last stacks: close it then, and start the next sweep.
      const open = (await drift.listSweepStacks(latest.id)).some((s) => !isSettled(s.state));
      if (open) return { sweep: latest, created: false };
      await drift.closeSweep(latest.id, iso(clock));
    }
  }
  const stacks = await managedStacks(deps, input.stackNames);
  const startedAt = iso(clock);
  const sweep: DriftSweep = {
    id: deploymentId(
      clock.now(),
      `sweep|${input.requestedBy}|${input.owner}|${(input.stackNames ?? []).join(',')}`,
    ),
    startedAt,
    requestedBy: input.requestedBy,
    total: stacks.length,
    maxConcurrency: settings.maxConcurrency,
    inFlight: 0,
  };
  const rows: SweepStack[] = stacks.map((s) => ({ ...s, sweepId: sweep.id, state: SweepStackState.PENDING }));
  const created = await drift.createSweep(sweep, rows);
  return { sweep: created ? sweep : ((await drift.getSweep(sweep.id)) ?? sweep), created };
}
