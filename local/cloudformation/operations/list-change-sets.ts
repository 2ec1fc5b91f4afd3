import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';

/** ListChangeSets: the stack's change sets, oldest first. */
export function listChangeSets(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  const summaries = [...state.changeSets.values()]
    .filter((changeSet) => changeSet.stackId === stack.id)
    .map((changeSet) => ({
      StackId: stack.id,
      StackName: stack.name,
      ChangeSetId: changeSet.id,
      ChangeSetName: changeSet.name,
      ExecutionStatus: changeSet.executionStatus,
      Status: changeSet.status,
      ...(changeSet.statusReason ? { StatusReason: changeSet.statusReason } : {}),
      CreationTime: changeSet.createdAt,
      ...(changeSet.description ? { Description: changeSet.description } : {}),
      IncludeNestedStacks: false,
    }));
  return { Summaries: summaries };
}
