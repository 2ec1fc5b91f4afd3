import type { ServiceInput, ServiceOutput } from '../../cloud/service.ts';
import type { EmulatorState } from '../emulator-state.ts';

/** DescribeStackEvents: newest first. */
export function describeStackEvents(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  return { StackEvents: [...stack.events].reverse() };
}
