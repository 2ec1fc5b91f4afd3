import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { cleanupPreview } from '../../shared/use-cases/planning/cleanup-preview.ts';
import { type PlanDeps, planStack } from '../../shared/use-cases/planning/plan-stack.ts';
import { releaseDependents } from '../../shared/use-cases/planning/release-dependents.ts';
import { removeStack } from '../../shared/use-cases/planning/remove-stack.ts';
import { processJobs } from '../job-batch.ts';
import { JobMessageInvalidError } from '../job-message.ts';

/** Plans stacks (cleans up closed pull requests' previews, releases or deletes removed stacks) from the plan FIFO queue. */
export function planHandler(deps: PlanDeps) {
  return function handlePlanJobs(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    return processJobs(event, context, async (job) => {
      if (job.type === 'plan') await planStack(deps, job);
      else if (job.type === 'cleanup-preview') await cleanupPreview(deps, job);
      else if (job.type === 'remove-stack') await removeStack(deps, job);
      else if (job.type === 'dependency-closed') await releaseDependents(deps, job);
      else throw new JobMessageInvalidError(`an ${job.type} job does not belong on the plan queue`);
    });
  };
}
