import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { Job } from '../../ports/queue.ts';

/**
 * A fresh plan job of a deployment's revision and stack (a new deployment, with a new change set,
 * approved afresh), for a change set that went stale under it or an operator's retry. It carries
 * every author of the change, so whoever wrote it still cannot approve the new deployment.
 *
 * @example
 * await queue.send(replanJob(deployment, { requestedAt: clock.now(), deliveryId: `replan:${deployment.id}` }), options);
 */
export function replanJob(
  deployment: Deployment,
  request: { readonly requestedAt: number; readonly deliveryId: string },
): Extract<Job, { type: 'plan' }> {
  return {
    type: 'plan',
    kind: 'deploy',
    repository: deployment.repository,
    revision: deployment.revision,
    stackName: deployment.stack.stackName,
    stackKey: deployment.stackKey,
    requestedAt: request.requestedAt,
    deliveryId: request.deliveryId,
    ...(deployment.author ? { author: deployment.author } : {}),
    ...(deployment.authors?.length ? { authors: deployment.authors } : {}),
  };
}
