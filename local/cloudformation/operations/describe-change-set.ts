import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, flag } from '../emulator-state.ts';
import type { Change } from '../plan/change-model.ts';

/** DescribeChangeSet. Property values and contexts are included as `IncludePropertyValues` asks. */
export function describeChangeSet(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const changeSet = state.changeSet(input.ChangeSetName, input.StackName);
  const stack = state.stacks.get(changeSet.stackId)!;
  const withValues = flag(input.IncludePropertyValues) || changeSet.deploymentMode === 'REVERT_DRIFT';
  return {
    ChangeSetName: changeSet.name,
    ChangeSetId: changeSet.id,
    StackId: stack.id,
    StackName: stack.name,
    ...(changeSet.description ? { Description: changeSet.description } : {}),
    Parameters: Object.entries(changeSet.parameters).map(([key, parameter]) => ({
      ParameterKey: key,
      ParameterValue: parameter.noEcho ? '****' : parameter.value,
    })),
    CreationTime: changeSet.createdAt,
    ExecutionStatus: changeSet.executionStatus,
    Status: changeSet.status,
    ...(changeSet.statusReason ? { StatusReason: changeSet.statusReason } : {}),
    ...(changeSet.stackDriftStatus ? { StackDriftStatus: changeSet.stackDriftStatus } : {}),
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: changeSet.capabilities,
    Tags: changeSet.tags,
    Changes: changeSet.changes.map((change) => (withValues ? change : withoutValues(change))),
    IncludeNestedStacks: false,
    ...(changeSet.deploymentMode ? { DeploymentMode: changeSet.deploymentMode } : {}),
  };
}

function withoutValues(change: Change): Change {
  const { BeforeContext, AfterContext, PreviousDeploymentContext, ...resource } = change.ResourceChange;
  return {
    ...change,
    ResourceChange: {
      ...resource,
      Details: resource.Details.map((detail) => {
        const { Path, BeforeValue, AfterValue, AttributeChangeType, ...target } = detail.Target;
        return { ...detail, Target: target };
      }),
    },
  };
}
