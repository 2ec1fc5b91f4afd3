import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import type { Stack } from '../stack-model.ts';
import { driftInformation } from './stack-views.ts';

function describeStack(stack: Stack): Record<string, unknown> {
  return {
    StackId: stack.id,
    StackName: stack.name,
    ...(stack.lastChangeSetId ? { ChangeSetId: stack.lastChangeSetId } : {}),
    ...(stack.description ? { Description: stack.description } : {}),
    Parameters: Object.entries(stack.parameters).map(([key, parameter]) => ({
      ParameterKey: key,
      ParameterValue: parameter.noEcho ? '****' : parameter.value,
    })),
    CreationTime: stack.createdAt,
    ...(stack.updatedAt ? { LastUpdatedTime: stack.updatedAt } : {}),
    ...(stack.deletedAt ? { DeletionTime: stack.deletedAt } : {}),
    StackStatus: stack.status,
    ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: stack.capabilities,
    Outputs: stack.outputs,
    ...(stack.roleArn ? { RoleARN: stack.roleArn } : {}),
    Tags: stack.tags,
    EnableTerminationProtection: stack.terminationProtection === true,
    DriftInformation: driftInformation(stack.drift, 'StackDriftStatus'),
  };
}

/** DescribeStacks: one stack (by name or ARN) or every live stack. */
export function describeStacks(state: EmulatorState, input: ServiceInput): ServiceOutput {
  if (input.StackName !== undefined && input.StackName !== '')
    return { Stacks: [describeStack(state.stack(input.StackName))] };
  return {
    Stacks: [...state.stacks.values()]
      .filter((stack) => stack.status !== 'DELETE_COMPLETE')
      .map(describeStack),
  };
}
