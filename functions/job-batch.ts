import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Job } from '../shared/ports/queue.ts';
import { parseJob } from './job-message.ts';

/**
 * Runs each job of an SQS FIFO batch and reports the failed ones (partial batch response), so
 * only they are retried. A failure holds back the rest of its message group (a stack's jobs stay
 * in order); other groups go on.
 */
export async function processJobs(
  event: SQSEvent,
  context: Context,
  run: (job: Job, record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  return processPartialResponse(
    event,
    (record: SQSRecord) => run(parseJob(record.body), record),
    new SqsFifoPartialProcessorAsync(),
    {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    },
  );
}
