import type { FaultInjector } from './fault-injector.ts';
import type { CloudEvent, PublishEvent } from './service.ts';

/** A subscriber of the local cloud's events. */
export type EventSubscriber = (event: CloudEvent) => void;

/** Fans out the events emulated services publish, in process and to HTTP targets. */
export interface EventBus {
  readonly publish: PublishEvent;
  /** Calls `subscriber` with every event published from now on; returns the unsubscribe. */
  subscribe(subscriber: EventSubscriber): () => void;
  /** Resolves when every HTTP delivery started so far has succeeded or given up. */
  flush(): Promise<void>;
}

export interface EventBusOptions {
  /** URLs that receive each event as a JSON `POST` (e.g. `http://127.0.0.1:P/events`). */
  readonly targets?: readonly string[];
  /** Attempts per delivery, the first included; defaults to 4. */
  readonly attempts?: number;
  /** Wait before the first retry, doubled for each next one; defaults to 100 ms. */
  readonly retryDelayMs?: number;
  /** Where failed deliveries are reported; defaults to `console.error`. */
  readonly log?: (message: string) => void;
  /** Event faults (drop, duplicate, delay) to apply to every event before it is fanned out. */
  readonly faults?: Pick<FaultInjector, 'decideEvent'>;
}

/**
 * Creates the event bus. Delivery is at least once per target and never throws into the
 * publisher: a subscriber that throws, or a target that stays down, is logged and skipped.
 *
 * @example
 * const bus = createEventBus({ targets: ['http://127.0.0.1:4000/events'] });
 * const unsubscribe = bus.subscribe((event) => console.log(event['detail-type']));
 */
export function createEventBus(options: EventBusOptions = {}): EventBus {
  const subscribers = new Set<EventSubscriber>();
  const pending = new Set<Promise<void>>();
  const attempts = options.attempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const log = options.log ?? ((message: string) => console.error(message));

  async function deliver(target: string, event: CloudEvent): Promise<void> {
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(5_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        problem = `HTTP ${response.status}`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (attempt < attempts) await sleep(retryDelayMs * 2 ** (attempt - 1));
    }
    log(
      `local cloud: event ${event.id} (${event['detail-type']}) not delivered to ${target} after ${attempts} attempts: ${problem}`,
    );
  }

  function publish(event: CloudEvent): void {
    const status = (event.detail['status-details'] as { status?: unknown } | undefined)?.status;
    const fault = options.faults?.decideEvent({
      detailType: event['detail-type'],
      ...(typeof status === 'string' ? { status } : {}),
    });
    if (fault?.drop) return;
    const copies = fault?.duplicate ? 2 : 1;
    if (!fault?.delayMs) {
      for (let copy = 0; copy < copies; copy += 1) fanOut(event);
      return;
    }
    const later = sleep(fault.delayMs).then(() => {
      for (let copy = 0; copy < copies; copy += 1) fanOut(event);
    });
    const delayed = later.finally(() => pending.delete(delayed));
    pending.add(delayed);
  }

  function fanOut(event: CloudEvent): void {
    for (const subscriber of subscribers) {
      try {
        subscriber(event);
      } catch (error) {
        log(`local cloud: an event subscriber failed on event ${event.id}: ${String(error)}`);
      }
    }
    for (const target of options.targets ?? []) {
      const delivery = deliver(target, event).finally(() => pending.delete(delivery));
      pending.add(delivery);
    }
  }

  return {
    publish,
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    flush: async () => {
      await Promise.all([...pending]);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
