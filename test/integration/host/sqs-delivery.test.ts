import { createServer, type Server } from 'node:http';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueue } from '../../../local/host/deliver-queue.ts';
import { FifoQueue } from '../../../local/host/fifo-queue.ts';
import { lambdaContext } from '../../../local/host/lambda-context.ts';
import { sqsEndpoint } from '../../../local/host/sqs-endpoint.ts';
import { waitFor } from '../../support/wait-for.ts';

const ACCOUNT = '000000000000';

describe('the host’s SQS endpoint and queue delivery', () => {
  let server: Server;
  let url: string;
  const queues = new Map<string, FifoQueue>();
  let sqs: SQSClient;

  beforeAll(async () => {
    const answer = sqsEndpoint({ queues, baseUrl: () => url, accountId: ACCOUNT });
    server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const encoded = answer(
          String(incoming.headers['x-amz-target']),
          Buffer.concat(chunks).toString('utf8'),
        );
        outgoing.writeHead(encoded.statusCode, encoded.headers);
        outgoing.end(encoded.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    sqs = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const queueNamed = (name: string, visibilityTimeoutMs = 100, maxReceiveCount = 3) => {
    const queue = new FifoQueue({ name, visibilityTimeoutMs, maxReceiveCount });
    queues.set(name, queue);
    return queue;
  };
  const send = (name: string, body: string, group: string, dedupe: string) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl: `${url}/${ACCOUNT}/${name}`,
        MessageBody: body,
        MessageGroupId: group,
        MessageDeduplicationId: dedupe,
      }),
    );

  it('takes SendMessage from the SDK (MD5 checked) and drops a repeated deduplication id', async () => {
    const queue = queueNamed('send.fifo');
    const first = await send('send.fifo', '{"n":1}', 'stack-a', 'd-1');
    const again = await send('send.fifo', '{"n":1}', 'stack-a', 'd-1');
    expect(again.MessageId).toBe(first.MessageId);
    expect(queue.depth).toBe(1);
  });

  it('answers GetQueueUrl and refuses an unknown queue as SQS does', async () => {
    queueNamed('named.fifo');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'named.fifo' }));
    expect(QueueUrl).toBe(`${url}/${ACCOUNT}/named.fifo`);
    await expect(send('missing.fifo', 'x', 'g', 'd')).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('delivers SQS events, retries only the batch item failures, and keeps a group in order', async () => {
    const queue = queueNamed('deliver.fifo');
    const seen: string[] = [];
    let failedOnce = false;
    const delivery = deliverQueue({
      queue,
      queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:deliver.fifo`,
      region: 'us-east-1',
      context: () => lambdaContext('plan', { region: 'us-east-1', timeoutMs: 10_000 }),
      log: () => undefined,
      handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        const failures: { itemIdentifier: string }[] = [];
        for (const record of event.Records) {
          expect(record).toMatchObject({ eventSource: 'aws:sqs', attributes: { MessageGroupId: 'stack-a' } });
          if (record.body === 'second' && !failedOnce) {
            failedOnce = true;
            failures.push({ itemIdentifier: record.messageId });
            continue;
          }
          if (failures.length > 0) {
            failures.push({ itemIdentifier: record.messageId });
            continue;
          }
          seen.push(record.body);
        }
        return { batchItemFailures: failures };
      },
    });
    for (const [index, body] of ['first', 'second', 'third'].entries())
      await send('deliver.fifo', body, 'stack-a', `m-${index}`);
    await waitFor(
      () => delivery.idle(),
      (idle) => idle,
      { what: 'the delivery to go idle', timeoutMs: 5_000 },
    );
    await delivery.stop();
    expect(seen).toEqual(['first', 'second', 'third']);
    expect(failedOnce).toBe(true);
  });

  it('never hands a message out again while its invocation still runs, however long past the visibility timeout', async () => {
    const queue = queueNamed('slow.fifo', 50);
    const received: string[] = [];
    let release: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    const delivery = deliverQueue({
      queue,
      queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:slow.fifo`,
      region: 'us-east-1',
      context: () => lambdaContext('plan', { region: 'us-east-1', timeoutMs: 10_000 }),
      log: () => undefined,
      pollIntervalMs: 5,
      handler: async (event: SQSEvent): Promise<SQSBatchResponse> => {
        received.push(...event.Records.map((record) => record.messageId));
        await running;
        return { batchItemFailures: [] };
      },
    });
    await send('slow.fifo', 'slow', 'stack-a', 'slow-1');
    await waitFor(
      () => received.length,
      (n) => n === 1,
      { what: 'the first invocation', timeoutMs: 5_000 },
    );
    // Ten visibility timeouts pass while the invocation runs: the queue must still hold it back.
    const deadline = Date.now() + 500;
    await waitFor(
      () => Date.now(),
      (now) => now >= deadline || received.length > 1,
      { what: 'ten visibility timeouts', timeoutMs: 5_000 },
    );
    release();
    await waitFor(
      () => delivery.idle(),
      (idle) => idle,
      { what: 'the delivery to go idle', timeoutMs: 5_000 },
    );
    await delivery.stop();
    expect(received).toHaveLength(1);
  });

  it('moves a message that keeps failing to the dead-letter list after maxReceiveCount', async () => {
    const queue = queueNamed('poison.fifo', 20, 2);
    let attempts = 0;
    const delivery = deliverQueue({
      queue,
      queueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:poison.fifo`,
      region: 'us-east-1',
      context: () => lambdaContext('execute', { region: 'us-east-1', timeoutMs: 10_000 }),
      log: () => undefined,
      handler: async () => {
        attempts += 1;
        throw new Error('always fails');
      },
    });
    await send('poison.fifo', 'poison', 'stack-b', 'p-1');
    await waitFor(
      () => queue.deadLetters.length,
      (count) => count > 0,
      { what: 'a dead letter', timeoutMs: 5_000 },
    );
    await delivery.stop();
    expect(attempts).toBe(2);
    expect(queue.deadLetters.map((m) => m.body)).toEqual(['poison']);
  });
});
