import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig } from '../../../shared/runtime/config.ts';

const MINIMAL = {
  AWS_REGION: 'eu-west-1',
  CONVERGE_TABLE_NAME: 'converge',
  CONVERGE_PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/plan.fifo',
  CONVERGE_EXECUTE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/execute.fifo',
  CONVERGE_ARTIFACT_BUCKET: 'converge-artifacts',
};

describe('CONVERGE_DRIFT_MAX_CONCURRENCY', () => {
  it('defaults to five detections at once', () => {
    expect(parseConfig(MINIMAL).driftMaxConcurrency).toBe(5);
  });

  it('takes a whole number from the environment', () => {
    expect(parseConfig({ ...MINIMAL, CONVERGE_DRIFT_MAX_CONCURRENCY: '12' }).driftMaxConcurrency).toBe(12);
  });

  it.each(['0', '2.5', 'many'])('refuses %s and says what it wants', (value) => {
    expect(() => parseConfig({ ...MINIMAL, CONVERGE_DRIFT_MAX_CONCURRENCY: value })).toThrow(
      ConfigInvalidError,
    );
    expect(() => parseConfig({ ...MINIMAL, CONVERGE_DRIFT_MAX_CONCURRENCY: value })).toThrow(
      /CONVERGE_DRIFT_MAX_CONCURRENCY.*between 1 and 100/,
    );
  });
});
