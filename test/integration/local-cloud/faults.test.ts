import { CloudControlClient, CreateResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, CreateStackCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig, fakeCloudControl, fakeCloudFormation, type Recorded } from './fake-services.ts';

describe('faults on demand', () => {
  let cloud: LocalCloud;
  const calls: Recorded[] = [];
  let cloudFormation: CloudFormationClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      faults: { rules: [{ service: 'cloudformation', operation: 'CreateStack', throttle: { everyNth: 2 } }] },
      services: () => [fakeCloudFormation(calls), fakeCloudControl(calls)],
    });
    cloudFormation = new CloudFormationClient(clientConfig(cloud.endpoint));
  });
  afterEach(() => {
    cloud.faults.resetCounters();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('throttles Query calls as configured at start, and the SDK retries them', async () => {
    await cloudFormation.send(new CreateStackCommand({ StackName: 'a' }));
    const retried = await cloudFormation.send(new CreateStackCommand({ StackName: 'b' }));
    expect(retried.$metadata.attempts).toBe(2);
    expect(cloud.faults.counters()).toEqual({
      requests: { 'cloudformation.CreateStack': 3 },
      throttled: { 'cloudformation.CreateStack': 1 },
      errors: {},
      dropped: {},
      held: {},
      abandoned: {},
      duplicated: {},
    });
  });

  it('answers Query throttling as HTTP 400 Throttling "Rate exceeded"', async () => {
    cloud.faults.set({ rules: [{ service: 'cloudformation', throttle: { everyNth: 1 } }] });
    const once = new CloudFormationClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
    const failure = await once.send(new ListStacksCommand({})).catch((e) => e);
    expect(failure.name).toBe('Throttling');
    expect(failure.message).toBe('Rate exceeded');
    expect(failure.$metadata.httpStatusCode).toBe(400);
  });

  it('gives up after the SDK retry budget when every attempt is throttled', async () => {
    cloud.faults.set({ rules: [{ service: 'cloudformation', throttle: { everyNth: 1 } }] });
    const failure = await cloudFormation.send(new ListStacksCommand({})).catch((e) => e);
    expect(failure.name).toBe('Throttling');
    expect(failure.$metadata.attempts).toBe(3);
    expect(cloud.faults.counters().throttled).toEqual({ 'cloudformation.ListStacks': 3 });
  });

  it('answers JSON throttling as ThrottlingException', async () => {
    cloud.faults.set({ rules: [{ service: 'cloudcontrolapi', throttle: { everyNth: 1 } }] });
    const once = new CloudControlClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
    const failure = await once
      .send(new CreateResourceCommand({ TypeName: 'AWS::SQS::Queue', DesiredState: '{}' }))
      .catch((e) => e);
    expect(failure.name).toBe('ThrottlingException');
    expect(failure.$metadata.httpStatusCode).toBe(400);
  });

  it('injects 5xx errors that the SDK retries as transient', async () => {
    cloud.faults.set({
      rules: [{ service: 'cloudcontrolapi', error: { everyNth: 1, kind: 'ServiceUnavailable' } }],
    });
    const twice = new CloudControlClient({ ...clientConfig(cloud.endpoint), maxAttempts: 2 });
    const failure = await twice
      .send(new CreateResourceCommand({ TypeName: 'AWS::SQS::Queue', DesiredState: '{}' }))
      .catch((e) => e);
    expect(failure.name).toBe('ServiceUnavailable');
    expect(failure.$metadata.httpStatusCode).toBe(503);
    expect(failure.$metadata.attempts).toBe(2);
    expect(cloud.faults.counters().errors).toEqual({ 'cloudcontrolapi.CreateResource': 2 });
  });

  it('throttles above a request rate', async () => {
    cloud.faults.set({
      rules: [{ service: 'cloudformation', operation: 'ListStacks', throttle: { maxPerSecond: 2 } }],
    });
    const once = new CloudFormationClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        once.send(new ListStacksCommand({})).then(
          () => 'ok',
          (e) => e.name,
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBe(2);
    expect(outcomes.filter((outcome) => outcome === 'Throttling').length).toBe(4);
  });

  it('adds latency to matching requests', async () => {
    cloud.faults.set({ rules: [{ service: 'cloudformation', operation: 'ListStacks', latencyMs: 150 }] });
    const started = performance.now();
    await cloudFormation.send(new ListStacksCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('answers S3 throttling as 503 SlowDown', async () => {
    cloud.faults.set({ rules: [{ service: 's3', operation: 'CreateBucket', throttle: { everyNth: 1 } }] });
    const s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true, maxAttempts: 1 });
    const failure = await s3.send(new CreateBucketCommand({ Bucket: 'slow' })).catch((e) => e);
    expect(failure.name).toBe('SlowDown');
    expect(failure.$metadata.httpStatusCode).toBe(503);
    expect(
      (await s3.send(new HeadBucketCommand({ Bucket: 'slow' })).catch((e) => e)).$metadata.httpStatusCode,
    ).toBe(404);
  });

  it('rejects an invalid rule at run time and keeps the rules in force', async () => {
    cloud.faults.set({
      rules: [{ service: 'cloudformation', operation: 'ListStacks', throttle: { everyNth: 1 } }],
    });
    expect(() => cloud.faults.set({ rules: [{ throttle: { probability: 2 } }] })).toThrow(
      /probability must be between 0 and 1/,
    );
    const once = new CloudFormationClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
    const failure = await once.send(new ListStacksCommand({})).catch((e) => e);
    expect(failure.name).toBe('Throttling');
  });
});
