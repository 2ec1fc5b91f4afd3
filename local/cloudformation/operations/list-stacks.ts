import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, list } from '../emulator-state.ts';
import { driftInformation } from './stack-views.ts';

/** ListStacks: every stack, deleted ones included, filtered by `StackStatusFilter`. */
export function listStacks(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const filter = list<string>(input.StackStatusFilter);
  const summaries = [...state.stacks.values()]
    .filter((stack) => filter.length === 0 || filter.includes(stack.status))
    .map((stack) => ({
      StackId: stack.id,
      StackName: stack.name,
      ...(stack.description ? { TemplateDescription: stack.description } : {}),
      CreationTime: stack.createdAt,
      ...(stack.updatedAt ? { LastUpdatedTime: stack.updatedAt } : {}),
      ...(stack.deletedAt ? { DeletionTime: stack.deletedAt } : {}),
      StackStatus: stack.status,
      ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
      DriftInformation: driftInformation(stack.drift, 'StackDriftStatus'),
    }));
  return { StackSummaries: summaries };
}
