import { DeploymentKind } from '../domain/deployment/deployment.ts';
import { DeploymentStatus, isSupersedable, isTerminal } from '../domain/deployment/deployment-status.ts';
import type { Job } from '../ports/queue.ts';
import type { CloseDeps } from './close-execution.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { iso } from './supersede.ts';

/**
 * When a pull request closes: ends its previews of one stack, deletes their change sets and the
 * empty REVIEW_IN_PROGRESS stack a CREATE preview left behind, and updates the PR comment.
 * Returns how many previews it ended; running it twice ends nothing the second time.
 */
export async function cleanupPreview(
  deps: CloseDeps,
  job: Extract<Job, { type: 'cleanup-preview' }>,
): Promise<number> {
  const { store, stacks, clock } = deps;
  const previews = (await store.listDeployments(job.stackKey)).filter(
    (d) =>
      d.kind === DeploymentKind.PREVIEW &&
      d.pullRequest === job.pullRequest &&
      d.repository === job.repository,
  );
  let ended = 0;
  for (const preview of previews) {
    // Delete the preview's change set, whatever state the preview is in.
    if (preview.changeSet) await stacks.deleteChangeSet(preview.stack, preview.changeSet.id);
    if (!isSupersedable(preview.status)) continue;

    // End the preview, and update its comment / check run.
    const reason = {
      code: ReasonCode.PULL_REQUEST_CLOSED,
      message: `Pull request #${job.pullRequest} was closed.`,
    };
    const closed = await store
      .transition(
        preview.id,
        preview.status,
        nextStatus(preview, DeploymentStatus.SUPERSEDED, { reason }, clock.now()),
        {
          subject: `deployment#${preview.id}`,
          action: 'preview-cleaned-up',
          actor: 'system:cleanup-preview',
          reason: reason.message,
          at: iso(clock),
        },
      )
      .catch(() => undefined);
    if (!closed) continue;
    await notify(deps, closed, { event: reason.message, awaitingApproval: false });
    ended += 1;
  }

  // A CREATE preview leaves an empty REVIEW_IN_PROGRESS stack; remove it unless something else
  // of that stack is still open (another preview, a pending deployment). Never a real stack.
  const [any] = previews;
  const stillOpen = (await store.listDeployments(job.stackKey)).some((d) => !isTerminal(d.status));
  if (any && !stillOpen) await stacks.deleteStackInReview(any.stack);
  return ended;
}
