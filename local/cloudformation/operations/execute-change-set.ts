import { randomUUID } from 'node:crypto';
import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { executeStackChange } from '../execute/execute-stack-change.ts';
import { isStackBusy } from '../stack-model.ts';
import { prepareTemplate } from '../template/prepare-template.ts';

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', message);
}

/**
 * ExecuteChangeSet: starts the stack operation and answers at once; the stack moves through
 * its statuses in the background. Other change sets of the stack become OBSOLETE.
 */
export function executeChangeSet(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const changeSet = state.changeSet(input.ChangeSetName, input.StackName);
  const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
  if (token !== undefined && changeSet.executionToken === token) return {};
  const stack = state.stacks.get(changeSet.stackId)!;
  if (isStackBusy(stack.status)) {
    throw validation(`Stack:${stack.id} is in ${stack.status} state and can not be updated.`);
  }
  if (changeSet.status !== 'CREATE_COMPLETE') {
    throw new AwsServiceError(
      'InvalidChangeSetStatus',
      `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`,
    );
  }
  if (changeSet.executionStatus !== 'AVAILABLE') {
    throw new AwsServiceError(
      'InvalidChangeSetStatus',
      `ChangeSet [${changeSet.id}] cannot be executed in its current execution status of [${changeSet.executionStatus}]`,
    );
  }
  const template = prepareTemplate(
    changeSet.templateBody,
    Object.entries(changeSet.parameters).map(([key, parameter]) => ({
      ParameterKey: key,
      ParameterValue: parameter.value,
    })),
    undefined,
    { stackName: stack.name, stackId: stack.id, region: stack.region, account: state.account },
  );
  changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
  changeSet.executionToken = token ?? `Converge-ExecuteChangeSet-${randomUUID()}`;
  for (const other of state.changeSets.values()) {
    if (other.stackId === stack.id && other.id !== changeSet.id) other.executionStatus = 'OBSOLETE';
  }
  const run = executeStackChange(state.actionDeps(), stack, template, changeSet, changeSet.executionToken);
  state.background(async () => {
    try {
      changeSet.executionStatus = (await run) ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
    } catch (error) {
      changeSet.executionStatus = 'EXECUTE_FAILED';
      const reason = error instanceof Error ? error.message : String(error);
      state.events.stackStatus(
        stack,
        stack.status.startsWith('CREATE') ? 'CREATE_FAILED' : 'UPDATE_ROLLBACK_FAILED',
        reason,
        changeSet.executionToken,
      );
    }
  });
  return {};
}
