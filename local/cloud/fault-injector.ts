import { seededRandom } from './seeded-random.ts';

/** The faults the local cloud can inject, answered as each protocol's real service does. */
export const FaultKind = {
  Throttling: 'Throttling',
  InternalFailure: 'InternalFailure',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** When a rule fires: with a probability, on every Nth matching request, or both. */
export interface FaultTrigger {
  /** Between 0 and 1; drawn from the injector's seeded generator. */
  readonly probability?: number;
  /** Fires on the Nth, 2Nth, ... matching request (counted per service and operation). */
  readonly everyNth?: number;
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
}

export interface FaultConfig {
  readonly seed?: number;
  readonly rules?: readonly FaultRule[];
}

/** What the injector decided for one request. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly fault: FaultKind | undefined;
}

/** Requests and injected faults counted per `service.Operation`. */
export interface FaultCounters {
  readonly requests: Readonly<Record<string, number>>;
  readonly throttled: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
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
}

export class FaultConfigInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigInvalidError';
  }
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

  function set(next: FaultConfig): void {
    rules = validate(next.rules ?? []);
    random = seededRandom(next.seed ?? 0);
    matches = new Map();
    buckets = new Map();
  }

  function fires(trigger: FaultTrigger, count: number): boolean {
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
    for (const [index, rule] of rules.entries()) {
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      const ruleKey = `${index}:${key}`;
      const count = increment(matches, ruleKey);
      delayMs += rule.latencyMs ?? 0;
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
    return { delayMs, fault };
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
    }),
    resetCounters: () => {
      requests.clear();
      throttled.clear();
      errors.clear();
    },
    decide,
  };
}

function increment(counts: Map<string, number>, key: string): number {
  const next = (counts.get(key) ?? 0) + 1;
  counts.set(key, next);
  return next;
}

function validate(rules: readonly FaultRule[]): readonly FaultRule[] {
  for (const [index, rule] of rules.entries()) {
    const where = `fault rule ${index + 1}`;
    for (const trigger of [rule.throttle, rule.error]) {
      if (!trigger) continue;
      const { probability, everyNth } = trigger;
      if (probability !== undefined && !(probability >= 0 && probability <= 1)) {
        throw new FaultConfigInvalidError(
          `${where}: probability must be between 0 and 1, got ${probability}.`,
        );
      }
      if (everyNth !== undefined && !(Number.isInteger(everyNth) && everyNth >= 1)) {
        throw new FaultConfigInvalidError(
          `${where}: everyNth must be a whole number of at least 1, got ${everyNth}.`,
        );
      }
    }
    const max = rule.throttle?.maxPerSecond;
    if (max !== undefined && !(max > 0)) {
      throw new FaultConfigInvalidError(`${where}: maxPerSecond must be above 0, got ${max}.`);
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) {
      throw new FaultConfigInvalidError(`${where}: latencyMs must be 0 or more, got ${rule.latencyMs}.`);
    }
    const kind = rule.error?.kind;
    if (kind !== undefined && kind !== FaultKind.InternalFailure && kind !== FaultKind.ServiceUnavailable) {
      throw new FaultConfigInvalidError(
        `${where}: error kind must be InternalFailure or ServiceUnavailable.`,
      );
    }
  }
  return rules;
}
