import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../../cloud/service.ts';
import { type EmulatorState, list } from '../emulator-state.ts';

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
