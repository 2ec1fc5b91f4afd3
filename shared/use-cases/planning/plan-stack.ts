import type { Deployment } from '../../domain/deployment/deployment.ts';
import { deploymentId } from '../../domain/deployment/deployment-names.ts';
import type { Job } from '../../ports/queue.ts';
import { type PlanDeps, planDeployment } from './plan-deployment.ts';

export type { PlanDeps } from './plan-deployment.ts';

export type PlanJob = Extract<Job, { type: 'plan' }>;

/**
 * The id of the deployment a plan job makes: the same on every delivery of the job, so a retried
 * job resumes its deployment, and known to whoever queues the job (`converge retry` reports it).
 */
export function planJobDeploymentId(job: PlanJob): string {
  return deploymentId(
    job.requestedAt,
    [job.kind, job.deliveryId, job.revision, job.stackKey, job.pullRequest].join('|'),
  );
}

/**
 * Plans one revision of one stack from a plan job (a push or a pull request): creates its change
 * set, summarizes it, and either auto-approves it, asks for approval, or (previews) reports it on
 * the pull request, through the one planning pipeline ({@link planDeployment}).
 * Idempotent: a retried job finds its deployment and continues only if it is still PLANNING.
 *
 * @example
 * const deployment = await planStack(deps, { type: 'plan', kind: 'deploy', repository, revision, stackName, stackKey, requestedAt });
 */
export async function planStack(deps: PlanDeps, job: PlanJob): Promise<Deployment> {
  return planDeployment(deps, {
    id: job.deploymentId ?? planJobDeploymentId(job),
    mode: job.kind,
    repository: job.repository,
    revision: job.revision,
    stackName: job.stackName,
    stackKey: job.stackKey,
    requestedAt: job.requestedAt,
    pullRequest: job.pullRequest,
    fork: job.fork,
    author: job.author,
    authors: job.authors,
    actor: 'system:plan',
    audit: { deliveryId: job.deliveryId },
  });
}
