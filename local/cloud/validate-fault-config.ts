import type { EventFaultRule } from './event-faults.ts';
import type { FaultRule, FaultTrigger } from './fault-injector.ts';

/** The 5xx kinds an `error` rule may name. */
const SERVER_FAULTS: ReadonlySet<string> = new Set(['InternalFailure', 'ServiceUnavailable']);

/** A fault rule that cannot work; the rules in force stay. */
export class FaultConfigInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultConfigInvalidError';
  }
}

/** Checks request fault rules; throws {@link FaultConfigInvalidError} naming the rule and what to fix. */
export function validateRules(rules: readonly FaultRule[]): readonly FaultRule[] {
  for (const [index, rule] of rules.entries()) {
    validateTriggers(`fault rule ${index + 1}`, [rule.throttle, rule.error, rule.drop]);
    const where = `fault rule ${index + 1}`;
    const max = rule.throttle?.maxPerSecond;
    if (max !== undefined && !(max > 0)) {
      throw new FaultConfigInvalidError(`${where}: maxPerSecond must be above 0, got ${max}.`);
    }
    if (rule.latencyMs !== undefined && !(rule.latencyMs >= 0)) {
      throw new FaultConfigInvalidError(`${where}: latencyMs must be 0 or more, got ${rule.latencyMs}.`);
    }
    const kind = rule.error?.kind;
    if (kind !== undefined && !SERVER_FAULTS.has(kind)) {
      throw new FaultConfigInvalidError(
        `${where}: error kind must be InternalFailure or ServiceUnavailable.`,
      );
    }
  }
  return rules;
}

/** Checks event fault rules, as {@link validateRules} does request rules. */
export function validateEventRules(rules: readonly EventFaultRule[]): readonly EventFaultRule[] {
  for (const [index, rule] of rules.entries()) {
    const where = `event fault rule ${index + 1}`;
    validateTriggers(where, [rule.drop, rule.duplicate]);
    if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) {
      throw new FaultConfigInvalidError(`${where}: delayMs must be 0 or more, got ${rule.delayMs}.`);
    }
  }
  return rules;
}

function validateTriggers(where: string, triggers: ReadonlyArray<FaultTrigger | undefined>): void {
  for (const trigger of triggers) {
    if (!trigger) continue;
    const { probability, everyNth, first } = trigger;
    if (probability !== undefined && !(probability >= 0 && probability <= 1)) {
      throw new FaultConfigInvalidError(`${where}: probability must be between 0 and 1, got ${probability}.`);
    }
    if (everyNth !== undefined && !(Number.isInteger(everyNth) && everyNth >= 1)) {
      throw new FaultConfigInvalidError(
        `${where}: everyNth must be a whole number of at least 1, got ${everyNth}.`,
      );
    }
    if (first !== undefined && !(Number.isInteger(first) && first >= 1)) {
      throw new FaultConfigInvalidError(
        `${where}: first must be a whole number of at least 1, got ${first}.`,
      );
    }
  }
}
