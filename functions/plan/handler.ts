import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
import { cleanupPreview } from '../../shared/use-cases/planning/cleanup-preview.ts';
import { type PlanDeps, planStack } from '../../shared/use-cases/planning/plan-stack.ts';
import { processJobs } from '../job-batch.ts';
import { JobMessageInvalidError } from '../job-message.ts';

/** Plans stacks (and cleans up closed pull requests' previews) from the plan FIFO queue. */
export function planHandler(deps: PlanDeps) {
  return function handlePlanJobs(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    return processJobs(event, context, async (job) => {
      if (job.type === 'plan') await planStack(deps, job);
      else if (job.type === 'cleanup-preview') await cleanupPreview(deps, job);
      else throw new JobMessageInvalidError(`an ${job.type} job does not belong on the plan queue`);
    });
  };
}

export const handler = middy(planHandler(deps())).use(standardMiddleware({ functionName: 'plan' }));
