import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { FifoQueue, QueueMessage } from './fifo-queue.ts';

/** A Lambda handler as the host calls it. */
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

export interface QueueDeliveryOptions {
  readonly queue: FifoQueue;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: LambdaHandler<SQSEvent, SQSBatchResponse | undefined>;
  readonly context: () => Context;
  /** Records per invocation; Lambda's default for SQS is 10. */
  readonly batchSize?: number;
  /** Invocations at once; FIFO still allows one batch per message group. */
  readonly concurrency?: number;
  /** How often hidden messages are looked for again (a new message is delivered when it is sent). */
  readonly pollIntervalMs?: number;
  readonly log: (message: string) => void;
}

/** A running event source mapping. */
export interface QueueDelivery {
  /** True when nothing is in flight and the queue is empty. */
  idle(): boolean;
  /** Stops polling and waits for the invocations in flight. */
  stop(): Promise<void>;
}

/**
 * Delivers a queue to a function the way Lambda's SQS event source mapping does: batches of
 * records shaped as `SQSEvent`, a message deleted only when its invocation succeeded and it is not
 * in `batchItemFailures`, and a thrown error failing the whole batch, whose messages come back
 * after their visibility timeout (or go to the dead-letter list after `maxReceiveCount`).
 *
 * @example
 * const delivery = deliverQueue({ queue, queueArn, region, handler: plan.handler, context, log });
 * await delivery.stop();
 */
export function deliverQueue(options: QueueDeliveryOptions): QueueDelivery {
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 4;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const settle = (messages: readonly QueueMessage[], failed: ReadonlySet<string>) => {
    for (const message of messages) {
      if (!message.receiptHandle) continue;
      if (!failed.has(message.messageId)) {
        options.queue.delete(message.receiptHandle);
        continue;
      }
      const outcome = options.queue.fail(message.receiptHandle);
      if (outcome === 'retry') {
        options.log(
          `${options.queue.name}: message ${message.messageId} failed (receive ${message.receiveCount}); retried after the visibility timeout`,
        );
      }
      if (outcome === 'dead-letter') {
        options.log(`${options.queue.name}: message ${message.messageId} moved to the dead-letter list`);
      }
    }
  };

  const invoke = async (messages: QueueMessage[]) => {
    const event: SQSEvent = { Records: messages.map((message) => sqsRecord(message, options)) };
    // Lambda stops an invocation at its function timeout, well inside the visibility timeout (AWS
    // asks for six times it), so a message never comes back while its invocation still runs. The
    // host cannot stop a function in this process: it keeps the batch hidden while it runs instead,
    // so the visibility timeout only spaces out the retries of failed messages.
    const timeout = options.queue.visibilityTimeoutMs;
    const hold = setInterval(
      () => {
        for (const message of messages)
          if (message.receiptHandle) options.queue.changeVisibility(message.receiptHandle, timeout);
      },
      Math.max(10, Math.floor(timeout / 2)),
    );
    hold.unref();
    try {
      const response = await options.handler(event, options.context());
      const failures = Array.isArray(response?.batchItemFailures) ? response.batchItemFailures : [];
      settle(messages, new Set(failures.map((failure) => failure.itemIdentifier)));
    } catch (error) {
      options.log(`${options.queue.name}: the batch failed and will be retried: ${(error as Error).message}`);
      settle(messages, new Set(messages.map((message) => message.messageId)));
    } finally {
      clearInterval(hold);
    }
  };

  const pump = () => {
    while (!stopped && inFlight.size < concurrency) {
      const batch = options.queue.receive(batchSize);
      if (batch.length === 0) return;
      const running: Promise<void> = invoke(batch).finally(() => {
        inFlight.delete(running);
        pump();
      });
      inFlight.add(running);
    }
  };

  // A new message is taken at once (Lambda long-polls); the interval brings back retried ones.
  const unsubscribe = options.queue.onSend(() => setImmediate(pump));
  const timer = setInterval(pump, options.pollIntervalMs ?? 25);
  timer.unref();
  return {
    idle: () => inFlight.size === 0 && options.queue.depth === 0,
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** One record of Lambda's SQS event for a FIFO queue. */
function sqsRecord(message: QueueMessage, options: QueueDeliveryOptions): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? '',
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'AIDALOCALCONVERGEHOST',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      SequenceNumber: message.sequenceNumber,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.dedupeId,
    },
    messageAttributes: {},
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}
