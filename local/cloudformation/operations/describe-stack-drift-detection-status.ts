import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, requiredString } from '../emulator-state.ts';

/** DescribeStackDriftDetectionStatus. */
export function describeStackDriftDetectionStatus(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const id = requiredString(input.StackDriftDetectionId, 'StackDriftDetectionId');
  const detection = state.detections.get(id);
  if (!detection) {
    throw new AwsServiceError(
      'ValidationError',
      `Drift detection with id ${id} does not exist; start one with DetectStackDrift.`,
    );
  }
  return {
    StackId: detection.stackId,
    StackDriftDetectionId: detection.id,
    ...(detection.stackDriftStatus ? { StackDriftStatus: detection.stackDriftStatus } : {}),
    DetectionStatus: detection.status,
    ...(detection.reason ? { DetectionStatusReason: detection.reason } : {}),
    ...(detection.driftedCount !== undefined ? { DriftedStackResourceCount: detection.driftedCount } : {}),
    Timestamp: detection.startedAt,
  };
}
