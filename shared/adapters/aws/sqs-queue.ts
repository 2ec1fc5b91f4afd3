import { createHash } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Job, Queue } from '../../ports/queue.ts';
import { loadOnce } from './load-once.ts';

const sqs = loadOnce(() => import('@aws-sdk/client-sqs'));

export interface SqsQueueOptions {
  /** FIFO queue for plan and cleanup-preview jobs. */
  readonly planQueueUrl: string;
  /** FIFO queue for execute jobs. */
  readonly executeQueueUrl: string;
  /** A real client by default; its endpoint comes from the SDK's configuration (AWS_ENDPOINT_URL_SQS). */
  readonly client?: SQSClient;
}

/** SQS limits MessageGroupId and MessageDeduplicationId to 128 characters. */
const MAX_ID_LENGTH = 128;

/**
 * The {@link Queue} port on two SQS FIFO queues: plan (and preview cleanup) jobs on one, execute
 * jobs on the other, each function consuming its own. The stack key is the message group.
 *
 * @example
 * const queue = new SqsQueue({ planQueueUrl, executeQueueUrl });
 * await queue.send(job, { group: job.stackKey, dedupeId });
 */
export class SqsQueue implements Queue {
  readonly #client: () => Promise<SQSClient>;
  readonly #options: SqsQueueOptions;

  constructor(options: SqsQueueOptions) {
    this.#options = options;
    this.#client = loadOnce(async () => options.client ?? new (await sqs()).SQSClient({}));
  }

  async send(job: Job, options: { group: string; dedupeId: string }): Promise<void> {
    const { SendMessageCommand } = await sqs();
    await (await this.#client()).send(
      new SendMessageCommand({
        QueueUrl: job.type === 'execute' ? this.#options.executeQueueUrl : this.#options.planQueueUrl,
        MessageBody: JSON.stringify(job),
        MessageGroupId: fifoId(options.group),
        MessageDeduplicationId: fifoId(options.dedupeId),
      }),
    );
  }
}

/** The id as is when SQS accepts it, else a digest of it (same input, same id). */
export function fifoId(id: string): string {
  return id.length <= MAX_ID_LENGTH && /^[\x21-\x7e]+$/.test(id)
    ? id
    : createHash('sha256').update(id).digest('hex');
}
