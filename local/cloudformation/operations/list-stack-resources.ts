import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { resourceSummary } from './stack-views.ts';

/** ListStackResources. */
export function listStackResources(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  return { StackResourceSummaries: [...stack.resources.values()].map(resourceSummary) };
}
