import type { Configuration } from '../../domain/config/stack-config.ts';
import { stackKey } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import type { Job, Queue } from '../../ports/queue.ts';
import type { Store } from '../../ports/store.ts';

/** A stack the repository manages that its converge.yaml no longer names. */
export interface RemovedStack {
  readonly stackName: string;
  readonly stackKey: string;
}

/**
 * The stacks `repository` owns and Converge has applied, not yet released, that `configuration`
 * (the pushed converge.yaml) no longer names. Each is handed to `removeStack`, which reads what to
 * do with it from its trusted configuration.
 */
export async function removedStacks(
  { store }: { store: Store },
  repository: string,
  configuration: Configuration,
): Promise<readonly RemovedStack[]> {
  const configured = new Set(
    configuration.stacks.map((stack) => stackKey({ stackName: stack.name, region: stack.region })),
  );
  return (await store.listStackStates())
    .filter(
      (state) =>
        state.owner === repository &&
        state.lastAppliedRevision !== undefined &&
        state.released === undefined &&
        !configured.has(state.stackKey),
    )
    .map((state) => ({ stackName: state.stackKey.split('/').at(-1)!, stackKey: state.stackKey }));
}

/**
 * When the push changed converge.yaml, queues one remove-stack job per stack it no longer names,
 * in the stack's own FIFO group (after any earlier job of the stack). Returns how many it queued.
 */
export async function sendRemovedStackJobs(
  deps: { store: Store; queue: Queue },
  push: {
    readonly repository: string;
    readonly revision: string;
    readonly configuration: Configuration;
    readonly changedPaths: readonly string[];
    readonly deliveryId: string;
    readonly requestedAt: number;
    readonly authors?: readonly string[];
  },
): Promise<number> {
  if (!push.changedPaths.includes(push.configuration.file)) return 0;
  const removed = await removedStacks(deps, push.repository, push.configuration);
  for (const stack of removed) {
    const job: Job = {
      type: 'remove-stack',
      repository: push.repository,
      revision: push.revision,
      stackName: stack.stackName,
      stackKey: stack.stackKey,
      requestedAt: push.requestedAt,
      deliveryId: push.deliveryId,
      ...(push.authors?.[0] ? { author: push.authors[0] } : {}),
      ...(push.authors ? { authors: push.authors } : {}),
    };
    await deps.queue.send(job, {
      group: stack.stackKey,
      dedupeId: dedupeId(push.deliveryId, 'remove', stack.stackKey),
    });
  }
  return removed.length;
}
