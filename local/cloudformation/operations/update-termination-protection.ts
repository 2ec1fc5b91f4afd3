import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, requiredString } from '../emulator-state.ts';

/**
 * UpdateTerminationProtection: turns the stack's termination protection on or off; while it is
 * on, DeleteStack is refused. Answers with the stack's id, as CloudFormation does.
 */
export function updateTerminationProtection(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const enabled = input.EnableTerminationProtection;
  if (enabled !== 'true' && enabled !== 'false' && typeof enabled !== 'boolean') {
    throw new AwsServiceError(
      'ValidationError',
      "1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null",
    );
  }
  const stack = state.stack(requiredString(input.StackName, 'StackName'));
  if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') {
    throw new AwsServiceError('ValidationError', `Stack [${stack.name}] is in ${stack.status} state`);
  }
  stack.terminationProtection = enabled === true || enabled === 'true';
  return { StackId: stack.id };
}
