import { DeploymentKind } from '../../domain/deployment/deployment.ts';
import { isSupersedable, isTerminal } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import type { Job } from '../../ports/queue.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import type { CloseDeps } from '../execution/close-execution.ts';
import { deleteChangeSetOf } from './delete-change-set-of.ts';

/**
 * When a pull request closes: ends its previews of one stack, deletes their change sets and the
 * empty REVIEW_IN_PROGRESS stack a CREATE preview left behind, and removes the preview comment.
 * Returns how many previews it ended; running it twice ends nothing the second time.
 */
export async function cleanupPreview(
  deps: CloseDeps,
  job: Extract<Job, { type: 'cleanup-preview' }>,
): Promise<number> {
  const { store, stacks, notifier } = deps;
  const previews = (await store.listDeployments(job.stackKey)).filter(
    (d) =>
      d.kind === DeploymentKind.PREVIEW &&
      d.pullRequest === job.pullRequest &&
      d.repository === job.repository,
  );
  const reason = {
    code: ReasonCode.PULL_REQUEST_CLOSED,
    message: `Pull request #${job.pullRequest} was closed.`,
  };
  let ended = 0;
  for (const preview of previews.filter((d) => isSupersedable(d.status))) {
    // End the preview (SUPERSEDED, because its pull request closed) and delete its change set.
    const closed = await moveDeployment(
      deps,
      preview,
      { type: 'SUPERSEDED' },
      { action: 'preview-cleaned-up', actor: 'system:cleanup-preview', reason: reason.message },
      { reason },
    );
    if (!closed) continue;
    await deleteChangeSetOf(stacks, preview);
    await notify(deps, closed, { event: reason.message });
    ended += 1;
  }

  // A CREATE preview leaves an empty REVIEW_IN_PROGRESS stack; remove it unless something else
  // of that stack is still open (another preview, a pending deployment). Never a real stack.
  const [any] = previews;
  const stillOpen = (await store.listDeployments(job.stackKey)).some((d) => !isTerminal(d.status));
  if (any && !stillOpen) await stacks.deleteStackInReview(any.stack);

  // Remove the preview comment of this stack from the pull request.
  await notifier.pullRequestClosed({
    repository: job.repository,
    pullRequest: job.pullRequest,
    stackKey: job.stackKey,
  });
  return ended;
}
