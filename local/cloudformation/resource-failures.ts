/** A stack operation on one resource. */
export type ResourceOperation = 'create' | 'update' | 'delete';

/** A failure to inject: which resources it hits and the status reason they fail with. */
export interface ResourceFailureRule {
  readonly operation: ResourceOperation;
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly physicalId?: string;
  readonly message: string;
  /** How many times it fires before it is used up; unlimited when absent. */
  readonly times?: number;
}

/** The resource an operation is about to touch. */
export interface ResourceTarget {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId?: string;
}

/**
 * Test-settable failures: a matching resource operation fails with the rule's message, so
 * tests can drive CREATE_FAILED / UPDATE_FAILED and the rollback paths.
 *
 * @example
 * emulator.failures.add({ operation: 'update', logicalId: 'Queue', message: 'Throttled' });
 */
export class ResourceFailures {
  private rules: Array<ResourceFailureRule & { remaining: number }> = [];

  add(rule: ResourceFailureRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The message of the first rule matching this operation (and uses it once), if any. */
  take(operation: ResourceOperation, target: ResourceTarget): string | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        candidate.operation === operation &&
        (candidate.logicalId === undefined || candidate.logicalId === target.logicalId) &&
        (candidate.resourceType === undefined || candidate.resourceType === target.resourceType) &&
        (candidate.physicalId === undefined || candidate.physicalId === target.physicalId),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.message;
  }
}
