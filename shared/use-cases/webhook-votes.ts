import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { ApproverIdentity } from '../domain/approval/approval.ts';
import { DeploymentKind } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { decideApproval } from './decide-approval.ts';
import { loadConfiguration } from './load-configuration.ts';
import type { ReceiveWebhookDeps, WebhookResult } from './receive-webhook.ts';
import { sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';

type ReviewPayload = EmitterWebhookEvent<'pull_request_review'>['payload'];
type CommentPayload = EmitterWebhookEvent<'issue_comment'>['payload'];

const APPROVE_COMMAND = /^\/converge\s+approve\s+([A-Za-z][-A-Za-z0-9]{0,127})\s*$/;
const PLAN_COMMAND = /^\/converge\s+plan\s*$/;

/**
 * An approving review is a vote, as `github:<login>`, on each deployment of the repository that
 * awaits approval for the reviewed commit or pull request. Returns how many votes counted, or
 * `undefined` when the review is not an approval.
 */
export async function pullRequestReviewVotes(
  deps: ReceiveWebhookDeps,
  payload: ReviewPayload,
): Promise<number | undefined> {
  if (payload.action !== 'submitted' || payload.review.state.toLowerCase() !== 'approved') return undefined;
  const repository = payload.repository.full_name;
  const waiting = (await deps.store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL)).filter(
    (d) =>
      d.repository === repository &&
      d.kind !== DeploymentKind.PREVIEW &&
      (d.revision === payload.review.commit_id || d.pullRequest === payload.pull_request.number),
  );
  return vote(
    deps,
    waiting.map((d) => d.id),
    `github:${payload.review.user?.login ?? ''}`,
    payload.review.body ?? undefined,
  );
}

/**
 * `/converge approve <stack>` on a pull request votes on that stack's deployment awaiting
 * approval; `/converge plan` queues previews of the pull request's head again.
 */
export async function slashCommand(
  deps: ReceiveWebhookDeps,
  payload: CommentPayload,
  context: { delivery: string; requestedAt: number },
): Promise<WebhookResult> {
  const body = payload.comment.body.trim();
  if (payload.action !== 'created' || !payload.issue.pull_request)
    return { outcome: 'ignored', reason: 'not a new pull request comment' };
  const repository = payload.repository.full_name;
  const approve = APPROVE_COMMAND.exec(body);
  if (approve) {
    const waiting = (await deps.store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL)).filter(
      (d) =>
        d.repository === repository && d.stack.stackName === approve[1] && d.kind !== DeploymentKind.PREVIEW,
    );
    const [newest] = waiting;
    if (!newest) return { outcome: 'ignored', reason: `no deployment of ${approve[1]} awaits approval` };
    const votes = await vote(deps, [newest.id], `github:${payload.comment.user?.login ?? ''}`, body);
    return { outcome: 'accepted', jobs: 0, votes };
  }
  if (PLAN_COMMAND.test(body)) {
    const pullRequest = payload.issue.number;
    const head = await deps.pullRequestHead?.(repository, pullRequest);
    if (!head)
      return {
        outcome: 'ignored',
        reason: '/converge plan needs the pull request head, which is not available here',
      };
    const configuration = await loadConfiguration(deps, { repository, revision: head.sha }).catch(
      () => undefined,
    );
    if (!configuration)
      return { outcome: 'ignored', reason: `converge.yaml at ${head.sha.slice(0, 12)} cannot be used` };
    const stacks = stacksToPlan(
      configuration,
      await deps.source.changedPaths(repository, head.baseSha, head.sha),
    );
    const jobs = await sendStackJobs(deps, context.delivery, stacks, (stack, stackKey) => ({
      type: 'plan',
      kind: 'preview',
      repository,
      revision: head.sha,
      stackName: stack.name,
      stackKey,
      requestedAt: context.requestedAt,
      deliveryId: context.delivery,
      pullRequest,
      author: payload.comment.user?.login,
    }));
    return { outcome: 'accepted', jobs, votes: 0 };
  }
  return { outcome: 'ignored', reason: 'not a Converge command' };
}

/** Casts one approving vote per deployment; returns how many counted (refusals are audited by decideApproval). */
async function vote(
  deps: ReceiveWebhookDeps,
  deploymentIds: readonly string[],
  approver: string,
  comment?: string,
): Promise<number> {
  let counted = 0;
  for (const deploymentId of deploymentIds) {
    const result = await decideApproval(deps, {
      deploymentId,
      approver: approver as ApproverIdentity,
      decision: 'approve',
      via: 'github',
      comment,
    });
    if (result.outcome !== 'refused') counted += 1;
  }
  return counted;
}
