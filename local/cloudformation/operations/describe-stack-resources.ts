import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import type { Stack } from '../stack-model.ts';
import { resourceSummary } from './stack-views.ts';

/** DescribeStackResources: by stack, or by the physical id of one of its resources. */
export function describeStackResources(state: EmulatorState, input: ServiceInput): ServiceOutput {
  let stack: Stack | undefined;
  if (input.StackName !== undefined) {
    stack = state.stack(input.StackName);
  } else if (typeof input.PhysicalResourceId === 'string') {
    stack = [...state.stacks.values()].find((candidate) =>
      [...candidate.resources.values()].some((resource) => resource.physicalId === input.PhysicalResourceId),
    );
    if (!stack)
      throw new AwsServiceError('ValidationError', `Stack for ${input.PhysicalResourceId} does not exist`);
  } else {
    throw new AwsServiceError('ValidationError', 'Either StackName or PhysicalResourceId must be specified.');
  }
  const found = stack;
  const resources = [...found.resources.values()]
    .filter(
      (resource) => input.LogicalResourceId === undefined || resource.logicalId === input.LogicalResourceId,
    )
    .filter(
      (resource) =>
        input.PhysicalResourceId === undefined || resource.physicalId === input.PhysicalResourceId,
    )
    .map((resource) => {
      const { LastUpdatedTimestamp, ...summary } = resourceSummary(resource);
      return { StackName: found.name, StackId: found.id, ...summary, Timestamp: LastUpdatedTimestamp };
    });
  return { StackResources: resources };
}
