import type { StackResource } from '../stack-model.ts';

/** DriftInformation as stacks and stack resources show it. */
export function driftInformation(
  drift: { status: string; lastCheck?: Date },
  statusKey: string,
): Record<string, unknown> {
  return { [statusKey]: drift.status, ...(drift.lastCheck ? { LastCheckTimestamp: drift.lastCheck } : {}) };
}

/** A stack resource as ListStackResources shows it. */
export function resourceSummary(resource: StackResource): Record<string, unknown> {
  return {
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId,
    ResourceType: resource.type,
    LastUpdatedTimestamp: resource.updatedAt,
    ResourceStatus: resource.status,
    ...(resource.statusReason ? { ResourceStatusReason: resource.statusReason } : {}),
    DriftInformation: driftInformation(resource.drift, 'StackResourceDriftStatus'),
  };
}
