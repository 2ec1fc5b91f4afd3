import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { detectStackDrift } from '../drift/detect-stack-drift.ts';
import { type EmulatorState, list, requiredString } from '../emulator-state.ts';
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

/** DescribeStackResourceDrifts: the latest completed detection's records, filtered and paged. */
export function describeStackResourceDrifts(state: EmulatorState, input: ServiceInput): ServiceOutput {
  const stack = state.stack(input.StackName);
  const latest = [...state.detections.values()]
    .filter((detection) => detection.stackId === stack.id && detection.status === 'DETECTION_COMPLETE')
    .at(-1);
  const filters = list<string>(input.StackResourceDriftStatusFilters);
  const drifts = (latest?.drifts ?? []).filter(
    (drift) => filters.length === 0 || filters.includes(String(drift.StackResourceDriftStatus)),
  );
  const pageSize = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new AwsServiceError('ValidationError', 'MaxResults must be an integer between 1 and 100.');
  }
  const start = input.NextToken === undefined ? 0 : decodeToken(input.NextToken);
  const page = drifts.slice(start, start + pageSize);
  const next =
    start + pageSize < drifts.length ? Buffer.from(String(start + pageSize)).toString('base64') : undefined;
  return { StackResourceDrifts: page, ...(next ? { NextToken: next } : {}) };
}

function decodeToken(token: unknown): number {
  const offset = Number(Buffer.from(String(token), 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) {
    throw new AwsServiceError(
      'ValidationError',
      'NextToken is not valid; pass the token a previous call returned.',
    );
  }
  return offset;
}
