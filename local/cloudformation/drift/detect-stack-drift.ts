import type { ResourceRegistry } from '../resource-registry.ts';
import { supportsDriftDetection } from '../resource-types.ts';
import type { Stack } from '../stack-model.ts';
import { propertyDifferences } from './property-differences.ts';

/** The outcome of checking every resource of a stack against its template. */
export interface StackDriftResult {
  readonly stackDriftStatus: 'DRIFTED' | 'IN_SYNC';
  readonly driftedCount: number;
  /** `StackResourceDrift` records, one per checked resource. */
  readonly drifts: Array<Record<string, unknown>>;
}

/**
 * Compares each resource's expected properties with its actual state and records the
 * result on the stack's resources (DriftInformation). Resources of types CloudFormation
 * does not check are NOT_CHECKED and left out of the drift records, as in AWS.
 */
export function detectStackDrift(stack: Stack, registry: ResourceRegistry, at: Date): StackDriftResult {
  const drifts: Array<Record<string, unknown>> = [];
  let driftedCount = 0;
  for (const record of stack.resources.values()) {
    if (!supportsDriftDetection(record.type)) {
      record.drift = { status: 'NOT_CHECKED' };
      continue;
    }
    const live = registry.get(record.type, record.physicalId);
    const differences = live ? propertyDifferences(record.expected, live.properties) : [];
    const status = !live ? 'DELETED' : differences.length > 0 ? 'MODIFIED' : 'IN_SYNC';
    if (status !== 'IN_SYNC') driftedCount += 1;
    record.drift = { status, lastCheck: at };
    const actual = live
      ? Object.fromEntries(
          Object.keys(record.expected)
            .filter((key) => key in live.properties)
            .map((key) => [key, live.properties[key]]),
        )
      : undefined;
    drifts.push({
      StackId: stack.id,
      LogicalResourceId: record.logicalId,
      PhysicalResourceId: record.physicalId,
      ResourceType: record.type,
      ExpectedProperties: JSON.stringify(record.expected),
      ...(actual ? { ActualProperties: JSON.stringify(actual) } : {}),
      PropertyDifferences: differences,
      StackResourceDriftStatus: status,
      Timestamp: at,
    });
  }
  const stackDriftStatus = driftedCount > 0 ? 'DRIFTED' : 'IN_SYNC';
  stack.drift = { status: stackDriftStatus, lastCheck: at };
  return { stackDriftStatus, driftedCount, drifts };
}
