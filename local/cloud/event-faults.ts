import type { FaultTrigger } from './fault-injector.ts';

/**
 * One fault of the events the local cloud publishes; `detailType` / `status` omitted match every
 * event. EventBridge delivers at least once and in no guaranteed order: these make that happen
 * on demand.
 */
export interface EventFaultRule {
  /** e.g. `CloudFormation Stack Status Change`. */
  readonly detailType?: string;
  /** The event's `detail.status-details.status`, e.g. `UPDATE_COMPLETE`. */
  readonly status?: string;
  /** Never deliver it. */
  readonly drop?: FaultTrigger;
  /** Deliver it twice. */
  readonly duplicate?: FaultTrigger;
  /** Deliver it this much later, so events published after it overtake it. */
  readonly delayMs?: number;
}

/** What happens to one event. */
export interface EventFaultDecision {
  readonly drop: boolean;
  readonly duplicate: boolean;
  readonly delayMs: number;
}

/** The event half of the fault injector: matching, counting and deciding per rule. */
export function eventFaults(
  fires: (trigger: FaultTrigger, count: number) => boolean,
  count: { dropped(key: string): void; duplicated(key: string): void },
) {
  let rules: readonly EventFaultRule[] = [];
  let matches = new Map<string, number>();

  function decide(event: { readonly detailType: string; readonly status?: string }): EventFaultDecision {
    const key = `events.${event.detailType}`;
    let drop = false;
    let duplicate = false;
    let delayMs = 0;
    for (const [index, rule] of rules.entries()) {
      if (rule.detailType !== undefined && rule.detailType !== event.detailType) continue;
      if (rule.status !== undefined && rule.status !== event.status) continue;
      const ruleKey = `${index}:${key}`;
      const seen = (matches.get(ruleKey) ?? 0) + 1;
      matches.set(ruleKey, seen);
      if (rule.drop && fires(rule.drop, seen)) drop = true;
      if (rule.duplicate && fires(rule.duplicate, seen)) duplicate = true;
      delayMs += rule.delayMs ?? 0;
    }
    if (drop) count.dropped(key);
    else if (duplicate) count.duplicated(key);
    return { drop, duplicate: duplicate && !drop, delayMs };
  }

  return {
    set(next: readonly EventFaultRule[]) {
      rules = next;
      matches = new Map();
    },
    decide,
  };
}
