import { type EventFaultDecision, type EventFaultRule, eventFaults } from './event-faults.ts';
import { type HeldRequest, heldRequests } from './held-requests.ts';
import { seededRandom } from './seeded-random.ts';
import { validateEventRules, validateRules } from './validate-fault-config.ts';

export type { EventFaultDecision, EventFaultRule } from './event-faults.ts';
export type { HeldRequest } from './held-requests.ts';
export { FaultConfigInvalidError } from './validate-fault-config.ts';

/** The faults the local cloud can inject, answered as each protocol's real service does. */
export const FaultKind = {
  Throttling: 'Throttling',
  InternalFailure: 'InternalFailure',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** When a rule fires: with a probability, on every Nth matching request, on the first N, or any of these. */
export interface FaultTrigger {
  /** Between 0 and 1; drawn from the injector's seeded generator. */
  readonly probability?: number;
  /** Fires on the Nth, 2Nth, ... matching request (counted per service and operation). */
  readonly everyNth?: number;
  /** Fires on the first N matching requests (counted per service and operation), then never. */
  readonly first?: number;
}

/** One fault rule; `service`/`operation` omitted match every request. */
export interface FaultRule {
  /** Signing name or target service: `cloudformation`, `cloudcontrolapi`, `dynamodb`, `s3`. */
  readonly service?: string;
  readonly operation?: string;
  /** Throttle on a trigger, or above `maxPerSecond` (a token bucket per service and operation). */
  readonly throttle?: FaultTrigger & { readonly maxPerSecond?: number };
  /** Answer with a 5xx error on a trigger. */
  readonly error?: FaultTrigger & { readonly kind?: 'InternalFailure' | 'ServiceUnavailable' };
  /** Latency added before the request is answered, in milliseconds. */
  readonly latencyMs?: number;
  /**
   * Run the operation, then destroy the connection without an answer (a response lost on the
   * way back: the caller cannot tell whether it ran). Query and JSON services and S3.
   */
  readonly drop?: FaultTrigger;
  /**
   * Hold matching requests unanswered until `release()`. A request whose caller disconnects while
   * held is never run (the caller died before its request got through). Query and JSON services and S3.
   */
  readonly hold?: boolean;
}

export interface FaultConfig {
  readonly seed?: number;
  readonly rules?: readonly FaultRule[];
  /** Faults of the events the cloud publishes (dropped, duplicated, delayed so later ones overtake). */
  readonly events?: readonly EventFaultRule[];
}

/** What the injector decided for one request. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly fault: FaultKind | undefined;
  /** Run it, then drop the answer. */
  readonly drop?: true;
  /** Hold it until released. */
  readonly hold?: true;
}

/** Requests and injected faults counted per `service.Operation` (events per `events.<detail-type>`). */
export interface FaultCounters {
  readonly requests: Readonly<Record<string, number>>;
  readonly throttled: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  /** Answers dropped after the operation ran, and events never delivered. */
  readonly dropped: Readonly<Record<string, number>>;
  /** Requests held; `abandoned` those whose caller went away while held (never run). */
  readonly held: Readonly<Record<string, number>>;
  readonly abandoned: Readonly<Record<string, number>>;
  /** Events delivered twice. */
  readonly duplicated: Readonly<Record<string, number>>;
}

/** Run-time control of fault injection, exposed as `cloud.faults`. */
export interface FaultInjector {
  /** Replaces the rules (and reseeds the generator); counters keep counting. */
  set(config: FaultConfig): void;
  /** Removes every rule. */
  clear(): void;
  counters(): FaultCounters;
  resetCounters(): void;
  /** Counts the request and decides its fault; called once per request by the wire layer. */
  decide(service: string, operation: string): FaultDecision;
  /** The requests held now, oldest first. */
  held(): readonly HeldRequest[];
  /** Lets every held request through; returns how many. */
  release(): number;
  /**
   * Holds one request (the wire layer calls it when `decide` says `hold`): resolves `true` on
   * `release()`, `false` when `gone` resolves first (the caller disconnected; never run it).
   */
  park(service: string, operation: string, gone: Promise<void>): Promise<boolean>;
  /** Decides what happens to one published event; called once per event by the event bus. */
  decideEvent(event: { readonly detailType: string; readonly status?: string }): EventFaultDecision;
}

/**
 * Creates the fault injector. `now` is injectable so rate limits are testable without sleeping.
 *
 * @example
 * const faults = createFaultInjector({ seed: 7, rules: [{ service: 'dynamodb', throttle: { everyNth: 2 } }] });
 * faults.decide('dynamodb', 'PutItem'); // → { fault: undefined, delayMs: 0 }
 * faults.decide('dynamodb', 'PutItem'); // → { fault: 'Throttling', delayMs: 0 }
 */
export function createFaultInjector(config: FaultConfig = {}, now: () => number = Date.now): FaultInjector {
  let rules: readonly FaultRule[] = [];
  let random = seededRandom(0);
  let matches = new Map<string, number>();
  let buckets = new Map<string, { tokens: number; at: number }>();
  const requests = new Map<string, number>();
  const throttled = new Map<string, number>();
  const errors = new Map<string, number>();
  const dropped = new Map<string, number>();
  const duplicated = new Map<string, number>();
  const holding = heldRequests();
  const events = eventFaults((trigger, count) => fires(trigger, count), {
    dropped: (key) => increment(dropped, key),
    duplicated: (key) => increment(duplicated, key),
  });

  function set(next: FaultConfig): void {
    rules = validateRules(next.rules ?? []);
    events.set(validateEventRules(next.events ?? []));
    random = seededRandom(next.seed ?? 0);
    matches = new Map();
    buckets = new Map();
  }

  function fires(trigger: FaultTrigger, count: number): boolean {
    if (trigger.first !== undefined && count <= trigger.first) return true;
    if (trigger.everyNth !== undefined && count % trigger.everyNth === 0) return true;
    return trigger.probability !== undefined && random() < trigger.probability;
  }

  function overRate(maxPerSecond: number, key: string): boolean {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: maxPerSecond, at: time };
    bucket.tokens = Math.min(maxPerSecond, bucket.tokens + ((time - bucket.at) / 1000) * maxPerSecond);
    bucket.at = time;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  function decide(service: string, operation: string): FaultDecision {
    const key = `${service}.${operation}`;
    increment(requests, key);
    let delayMs = 0;
    let fault: FaultKind | undefined;
    let drop = false;
    let hold = false;
    for (const [index, rule] of rules.entries()) {
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      const ruleKey = `${index}:${key}`;
      const count = increment(matches, ruleKey);
      delayMs += rule.latencyMs ?? 0;
      hold ||= rule.hold === true;
      if (rule.drop && !drop && fires(rule.drop, count)) drop = true;
      if (fault) continue;
      const throttle = rule.throttle;
      if (throttle && (fires(throttle, count) || overRateOf(throttle, ruleKey))) {
        fault = FaultKind.Throttling;
      } else if (rule.error && fires(rule.error, count)) {
        fault = rule.error.kind ?? FaultKind.InternalFailure;
      }
    }
    if (fault === FaultKind.Throttling) increment(throttled, key);
    else if (fault) increment(errors, key);
    else if (drop) increment(dropped, key);
    return { delayMs, fault, ...(drop && !fault ? { drop: true } : {}), ...(hold ? { hold: true } : {}) };
  }

  function overRateOf(throttle: NonNullable<FaultRule['throttle']>, ruleKey: string): boolean {
    return throttle.maxPerSecond !== undefined && overRate(throttle.maxPerSecond, ruleKey);
  }

  set(config);
  return {
    set,
    clear: () => set({}),
    counters: () => ({
      requests: Object.fromEntries(requests),
      throttled: Object.fromEntries(throttled),
      errors: Object.fromEntries(errors),
      dropped: Object.fromEntries(dropped),
      held: holding.counted(),
      abandoned: holding.abandoned(),
      duplicated: Object.fromEntries(duplicated),
    }),
    resetCounters: () => {
      for (const counts of [requests, throttled, errors, dropped, duplicated]) counts.clear();
      holding.resetCounters();
    },
    decide,
    held: holding.list,
    release: holding.release,
    park: holding.park,
    decideEvent: events.decide,
  };
}

function increment(counts: Map<string, number>, key: string): number {
  const next = (counts.get(key) ?? 0) + 1;
  counts.set(key, next);
  return next;
}
