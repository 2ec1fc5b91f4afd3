import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, list, requiredString } from '../emulator-state.ts';
import { deleteResource, ResourceActionFailure } from '../execute/resource-actions.ts';
import { isStackBusy } from '../stack-model.ts';

/** DeleteStack: deletes the resources in reverse order in the background; unknown names succeed. */
export function deleteStack(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const name = requiredString(input.StackName, 'StackName');
  const stack = name.startsWith('arn:') ? state.stacks.get(name) : state.liveStack(name);
  if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
  if (isStackBusy(stack.status)) {
    throw new AwsServiceError(
      'ValidationError',
      `Stack [${stack.name}] cannot be deleted while in status ${stack.status}`,
    );
  }
  if (stack.terminationProtection) {
    throw new AwsServiceError(
      'ValidationError',
      `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`,
    );
  }
  const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
  for (const changeSet of [...state.changeSets.values()]) {
    if (changeSet.stackId === stack.id) state.changeSets.delete(changeSet.id);
  }
  const deps = state.actionDeps();
  const retained = new Set(list<string>(input.RetainResources));
  state.events.stackStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated', token);
  state.background(async () => {
    await deps.phasePause();
    const failed: string[] = [];
    for (const record of [...stack.resources.values()].reverse()) {
      const retain = record.deletionPolicy === 'Retain' || retained.has(record.logicalId);
      const outcome = await deleteResource(deps, stack, record, token, { retain });
      if (outcome instanceof ResourceActionFailure) failed.push(record.logicalId);
      else stack.resources.delete(record.logicalId);
    }
    if (failed.length > 0) {
      state.events.stackStatus(
        stack,
        'DELETE_FAILED',
        `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
        token,
      );
      return;
    }
    stack.deletedAt = state.now();
    state.events.stackStatus(stack, 'DELETE_COMPLETE', undefined, token);
  });
  return {};
}
