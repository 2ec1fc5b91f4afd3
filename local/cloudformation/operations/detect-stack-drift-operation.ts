import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { detectStackDrift } from '../drift/detect-stack-drift.ts';
import type { EmulatorState } from '../emulator-state.ts';
import { type DriftDetection, isStackBusy } from '../stack-model.ts';

/** DetectStackDrift: starts a detection run that completes in the background. */
export function detectStackDriftOperation(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  if (
    isStackBusy(stack.status) ||
    stack.status === 'REVIEW_IN_PROGRESS' ||
    stack.status.startsWith('DELETE')
  ) {
    throw new AwsServiceError(
      'ValidationError',
      `Drift detection cannot run on stack [${stack.name}] in status ${stack.status}; wait until its operation completes.`,
    );
  }
  const detection: DriftDetection = {
    id: randomUUID(),
    stackId: stack.id,
    startedAt: state.now(),
    status: 'DETECTION_IN_PROGRESS',
    drifts: [],
  };
  state.detections.set(detection.id, detection);
  state.events.driftStatus(stack, {
    'stack-drift-detection-id': detection.id,
    'status-details': { 'stack-drift-status': stack.drift.status, 'detection-status': detection.status },
    'drift-detection-details': { 'drifted-stack-resource-count': -1 },
  });
  state.background(async () => {
    await sleep(state.delays.drift);
    let result: ReturnType<typeof detectStackDrift>;
    try {
      result = detectStackDrift(stack, state.registry, state.now());
    } catch (error) {
      detection.status = 'DETECTION_FAILED';
      detection.reason = error instanceof Error ? error.message : String(error);
      return;
    }
    detection.status = 'DETECTION_COMPLETE';
    detection.stackDriftStatus = result.stackDriftStatus;
    detection.driftedCount = result.driftedCount;
    detection.drifts = result.drifts;
    state.events.driftStatus(stack, {
      'stack-drift-detection-id': detection.id,
      'status-details': {
        'stack-drift-status': result.stackDriftStatus,
        'detection-status': detection.status,
      },
      'drift-detection-details': { 'drifted-stack-resource-count': result.driftedCount },
    });
  });
  return { StackDriftDetectionId: detection.id };
}
