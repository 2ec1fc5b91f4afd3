import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';

/** GetTemplate: the stack's template, or a change set's. */
export function getTemplate(state: EmulatorState, input: ServiceInput): ServiceOutput {
  if (input.ChangeSetName !== undefined) {
    const changeSet = state.changeSet(input.ChangeSetName, input.StackName);
    return { TemplateBody: changeSet.templateBody, StagesAvailable: ['Original', 'Processed'] };
  }
  const stack = state.stack(input.StackName);
  if (!stack.templateBody) {
    throw new AwsServiceError(
      'ValidationError',
      `Stack with id ${String(input.StackName)} has no template yet`,
    );
  }
  return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
}
