import { randomUUID } from 'node:crypto';
import type { EncodedResponse } from '../cloud/encode-query-response.ts';
import { decodeJsonRequest, encodeJsonError, encodeJsonResponse } from '../cloud/json-protocol.ts';
import { AwsServiceError, type ServiceInput, type ServiceOutput } from '../cloud/service.ts';
import type { FifoQueue } from './fifo-queue.ts';

/** The `X-Amz-Target` prefix of SQS on AWS JSON 1.0. */
export const SQS_TARGET_PREFIX = 'AmazonSQS';

/**
 * Answers the SQS API (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`) for the host's FIFO
 * queues, so the SQS adapter Lambda uses sends to them unchanged through `AWS_ENDPOINT_URL_SQS`.
 * Serves SendMessage, SendMessageBatch, GetQueueUrl and GetQueueAttributes; anything else is
 * `UnsupportedOperation`.
 *
 * @example
 * const answer = sqsEndpoint({ queues, baseUrl })('AmazonSQS.SendMessage', body);
 */
export function sqsEndpoint(options: {
  readonly queues: ReadonlyMap<string, FifoQueue>;
  /** `http://127.0.0.1:<port>`: queue URLs are `<baseUrl>/<account>/<name>`. */
  readonly baseUrl: () => string;
  readonly accountId: string;
}): (target: string, body: string) => EncodedResponse {
  const queueOf = (input: ServiceInput): FifoQueue => {
    const url = typeof input.QueueUrl === 'string' ? input.QueueUrl : '';
    const name = url.slice(url.lastIndexOf('/') + 1);
    const queue = options.queues.get(name);
    if (!queue) throw new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  };
  const operations: Record<string, (input: ServiceInput) => ServiceOutput> = {
    SendMessage: (input) => sendOne(queueOf(input), input),
    SendMessageBatch(input) {
      const queue = queueOf(input);
      const entries = Array.isArray(input.Entries) ? (input.Entries as ServiceInput[]) : [];
      const Successful: ServiceOutput[] = [];
      const Failed: ServiceOutput[] = [];
      for (const entry of entries) {
        try {
          Successful.push({ Id: entry.Id, ...sendOne(queue, entry) });
        } catch (error) {
          if (!(error instanceof AwsServiceError)) throw error;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
        }
      }
      return { Successful, Failed };
    },
    GetQueueUrl(input) {
      const name = String(input.QueueName ?? '');
      if (!options.queues.has(name)) {
        throw new AwsServiceError('QueueDoesNotExist', 'The specified queue does not exist.');
      }
      return { QueueUrl: `${options.baseUrl()}/${options.accountId}/${name}` };
    },
    GetQueueAttributes(input) {
      const queue = queueOf(input);
      return {
        Attributes: {
          FifoQueue: 'true',
          ApproximateNumberOfMessages: String(queue.depth),
          ApproximateNumberOfMessagesNotVisible: '0',
        },
      };
    },
  };

  return function answerSqs(target, body) {
    const requestId = randomUUID();
    try {
      const operation = operations[target.slice(SQS_TARGET_PREFIX.length + 1)];
      if (!operation) {
        throw new AwsServiceError(
          'UnsupportedOperation',
          `The local host serves SendMessage, SendMessageBatch, GetQueueUrl and GetQueueAttributes, not ${target}.`,
        );
      }
      return encodeJsonResponse(operation(decodeJsonRequest(body)), '1.0', requestId);
    } catch (error) {
      if (error instanceof AwsServiceError) return encodeJsonError(error, '1.0', requestId);
      throw error;
    }
  };
}

function sendOne(queue: FifoQueue, input: ServiceInput): ServiceOutput {
  const body = input.MessageBody;
  const groupId = input.MessageGroupId;
  const dedupeId = input.MessageDeduplicationId;
  if (typeof body !== 'string' || body.length === 0) {
    throw new AwsServiceError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (typeof groupId !== 'string' || groupId.length === 0) {
    throw new AwsServiceError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
  }
  if (typeof dedupeId !== 'string' || dedupeId.length === 0) {
    throw new AwsServiceError(
      'InvalidParameterValue',
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  }
  const sent = queue.send({ body, groupId, dedupeId });
  return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody, SequenceNumber: sent.sequenceNumber };
}
