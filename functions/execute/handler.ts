import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ExecuteDeps, executeDeployment } from '../../shared/use-cases/execution/execute-deployment.ts';
import { processJobs } from '../job-batch.ts';
import { JobMessageInvalidError } from '../job-message.ts';

/**
 * Executes approved deployments from the execute FIFO queue. A busy stack (StackBusyError) fails
 * its message, which SQS delivers again after the visibility timeout.
 */
export function executeHandler(deps: ExecuteDeps) {
  return function handleExecuteJobs(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    return processJobs(event, context, async (job) => {
      if (job.type !== 'execute')
        throw new JobMessageInvalidError(`a ${job.type} job does not belong on the execute queue`);
      await executeDeployment(deps, { deploymentId: job.deploymentId });
    });
  };
}
