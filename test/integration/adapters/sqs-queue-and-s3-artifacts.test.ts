import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Artifacts } from '../../../shared/adapters/aws/s3-artifacts.ts';
import { SqsQueue } from '../../../shared/adapters/aws/sqs-queue.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
let server: RecordingServer;

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

/** SQS's JSON protocol: the action in X-Amz-Target, the answer carrying the body's MD5 (the SDK checks it). */
function answerSendMessage() {
  server.route('POST', '/', (request) => {
    const { MessageBody } = JSON.parse(request.rawBody) as { MessageBody: string };
    return {
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: { MessageId: 'm-1', MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') },
    };
  });
}

describe('SqsQueue', () => {
  const queue = () =>
    new SqsQueue({
      planQueueUrl: `${server.url}/123456789012/converge-plan.fifo`,
      executeQueueUrl: `${server.url}/123456789012/converge-execute.fifo`,
      client: new SQSClient({ region: 'eu-west-1', endpoint: server.url, credentials }),
    });

  it('sends plan jobs to the plan queue with the stack as message group and the dedupe id', async () => {
    answerSendMessage();
    const job = {
      type: 'cleanup-preview',
      repository: 'acme/infra',
      pullRequest: 4,
      stackKey: 'default/eu-west-1/network',
    } as const;
    await queue().send(job, { group: job.stackKey, dedupeId: 'delivery-1' });
    const [request] = server.requests;
    expect(request?.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(JSON.parse(request?.rawBody ?? '{}')).toMatchObject({
      QueueUrl: `${server.url}/123456789012/converge-plan.fifo`,
      MessageGroupId: 'default/eu-west-1/network',
      MessageDeduplicationId: 'delivery-1',
      MessageBody: JSON.stringify(job),
    });
  });

  it('sends execute jobs to the execute queue and shortens ids SQS would refuse', async () => {
    answerSendMessage();
    const stackKey = `123456789012/eu-west-1/${'n'.repeat(128)}`;
    await queue().send(
      { type: 'execute', deploymentId: '01KDX', stackKey },
      { group: stackKey, dedupeId: 'execute 01KDX' },
    );
    const body = JSON.parse(server.requests[0]?.rawBody ?? '{}');
    expect(body.QueueUrl).toMatch(/converge-execute\.fifo$/);
    expect(body.MessageGroupId).toMatch(/^[0-9a-f]{64}$/);
    expect(body.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('S3Artifacts', () => {
  it('uploads the template under the prefix and returns the URL CloudFormation reads', async () => {
    server.route('PUT', '/converge-artifacts/:key*', { status: 200, headers: { etag: '"abc"' } });
    const artifacts = new S3Artifacts({
      bucket: 'converge-artifacts',
      prefix: 'templates/',
      region: 'eu-west-1',
      client: new S3Client({ region: 'eu-west-1', endpoint: server.url, forcePathStyle: true, credentials }),
    });
    const url = await artifacts.putTemplate('network/01KDX.template', 'Resources: {}\n');
    expect(url).toBe(
      'https://converge-artifacts.s3.eu-west-1.amazonaws.com/templates/network/01KDX.template',
    );
    const [request] = server.requestsTo('PUT', '/converge-artifacts/:key*');
    expect(request?.path).toBe('/converge-artifacts/templates/network/01KDX.template');
    expect(request?.rawBody).toBe('Resources: {}\n');
  });
});
