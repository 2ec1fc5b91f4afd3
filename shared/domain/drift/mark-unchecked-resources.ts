import type { DriftReport, ResourceDriftReport } from './drift-report.ts';
import { ResourceDriftStatus } from './drift-report.ts';

/** A resource of the stack, as DescribeStackResources / ListStackResources lists it. */
export interface StackResource {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
}

/**
 * Adds every stack resource that drift detection did not report as NOT_CHECKED.
 * DescribeStackResourceDrifts leaves out resource types that drift detection does not
 * support, and a missing resource must read as "not checked", never as "in sync".
 *
 * @example
 * ```ts
 * const report = markUncheckedResources(detected, await stacks.listResources(stack));
 * ```
 */
export function markUncheckedResources(
  report: DriftReport,
  stackResources: readonly StackResource[],
): DriftReport {
  const reported = new Set(report.resources.map((r) => r.logicalId));
  const missing: ResourceDriftReport[] = stackResources
    .filter((r) => !reported.has(r.logicalId))
    .map((r) => ({
      logicalId: r.logicalId,
      ...(r.physicalId ? { physicalId: r.physicalId } : {}),
      resourceType: r.resourceType,
      status: ResourceDriftStatus.NOT_CHECKED,
      differences: [],
    }));
  return missing.length === 0 ? report : { ...report, resources: [...report.resources, ...missing] };
}
