import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';

/** DeleteChangeSet: refused while the change set executes. */
export function deleteChangeSet(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const changeSet = state.changeSet(input.ChangeSetName, input.StackName);
  if (changeSet.executionStatus === 'EXECUTE_IN_PROGRESS') {
    throw new AwsServiceError(
      'InvalidChangeSetStatus',
      `ChangeSet [${changeSet.id}] cannot be deleted in its current status of [${changeSet.executionStatus}]`,
    );
  }
  state.changeSets.delete(changeSet.id);
  return {};
}
