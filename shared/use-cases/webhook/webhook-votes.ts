import type { ApproverIdentity } from '../../domain/approval/approval.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { canWrite } from '../../ports/code-review.ts';
import type { IssueCommentPayload, PullRequestReviewPayload } from '../../ports/webhook.ts';
import { type ApprovalDecisionResult, decideApproval } from '../approval/decide-approval.ts';
import { loadConfiguration } from '../configuration/load-configuration.ts';
import { unique } from './webhook-authors.ts';
import {
  type DeliveryContext,
  ignored,
  type ReceiveWebhookDeps,
  type WebhookResult,
} from './webhook-deps.ts';
import { previewRefusal } from './webhook-jobs.ts';
import { sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';

const APPROVE_COMMAND = /^\/converge\s+approve\s+([A-Za-z][-A-Za-z0-9]{0,127})\s*$/;
const PLAN_COMMAND = /^\/converge\s+plan\s*$/;

/**
 * An approving review is a vote, as `github:<login>`, bound like `/converge approve`: only on the
 * merged pull request whose merge produced a deployment's revision, on the deployments of that
 * revision that await approval. A review anywhere else votes on nothing.
 */
export async function pullRequestReviewVotes(
  deps: ReceiveWebhookDeps,
  payload: PullRequestReviewPayload,
): Promise<WebhookResult> {
  if (payload.action !== 'submitted' || payload.review.state.toLowerCase() !== 'approved')
    return ignored('only approving reviews count as votes');
  const repository = payload.repository.full_name;
  const revision = await mergedRevision(deps, repository, payload.pull_request.number);
  if (!revision)
    return ignored(
      `#${payload.pull_request.number} is not merged; a review counts only on the merged pull request that produced a deployment`,
    );
  const waiting = (await awaiting(deps, repository)).filter((d) => d.revision === revision);
  if (waiting.length === 0) return ignored(`no deployment of ${revision.slice(0, 12)} awaits approval`);
  const results = await vote(
    deps,
    waiting,
    `github:${payload.review.user?.login ?? ''}`,
    payload.review.body,
  );
  return { outcome: 'accepted', jobs: 0, votes: counted(results) };
}

/**
 * Pull request commands. `/converge approve <stack>` votes on that stack's deployment of the
 * revision the pull request's merge produced; on any other pull request it is refused with a
 * reply. `/converge plan` queues previews of the pull request's head again, for people with write
 * access only.
 */
export async function slashCommand(
  deps: ReceiveWebhookDeps,
  payload: IssueCommentPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  if (payload.action !== 'created' || !payload.issue.pull_request)
    return ignored('not a new pull request comment');
  const body = payload.comment.body.trim();
  const approve = APPROVE_COMMAND.exec(body);
  if (approve) return approveCommand(deps, payload, approve[1]!);
  if (PLAN_COMMAND.test(body)) return planCommand(deps, payload, context);
  return ignored('not a Converge command');
}

/** Refuses a pull request command: replies on the pull request (`lead`, then why) and ignores the delivery. */
function refuser(
  deps: ReceiveWebhookDeps,
  payload: IssueCommentPayload,
  lead: string,
): (reason: string) => Promise<WebhookResult> {
  return async function refuse(reason) {
    await deps.codeReview.reply(payload.repository.full_name, payload.issue.number, `${lead} ${reason}`);
    return ignored(reason);
  };
}

async function approveCommand(
  deps: ReceiveWebhookDeps,
  payload: IssueCommentPayload,
  stackName: string,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
  const pullRequest = payload.issue.number;
  const refuse = refuser(deps, payload, `Converge: your vote on ${stackName} did not count.`);

  // Bind the vote to the revision this pull request's merge produced.
  const revision = await mergedRevision(deps, repository, pullRequest);
  if (!revision)
    return refuse(
      `#${pullRequest} is not merged: \`/converge approve ${stackName}\` counts only on the merged pull request whose merge produced the deployment. Comment there, or approve in Slack.`,
    );
  const [target] = (await awaiting(deps, repository)).filter(
    (d) => d.stack.stackName === stackName && d.revision === revision,
  );
  if (!target)
    return refuse(
      `No deployment of ${stackName} at ${revision.slice(0, 12)} (the merge of #${pullRequest}) awaits approval; it may be decided already, or superseded by a newer revision.`,
    );

  // Count the vote; explain a refusal where it was asked for.
  const [result] = await vote(
    deps,
    [target],
    `github:${payload.comment.user?.login ?? ''}`,
    payload.comment.body,
  );
  if (result?.outcome === 'refused') return refuse(result.message);
  return { outcome: 'accepted', jobs: 0, votes: 1 };
}

async function planCommand(
  deps: ReceiveWebhookDeps,
  payload: IssueCommentPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
  const pullRequest = payload.issue.number;
  const login = payload.comment.user?.login ?? '';
  const refuse = refuser(deps, payload, 'Converge: no plan.');

  // Only people who may push to the repository may spend a plan.
  const permission = login ? await deps.codeReview.permission(repository, login) : 'none';
  if (!canWrite(permission))
    return refuse(`\`/converge plan\` needs write access to ${repository}; @${login} has ${permission}.`);

  // The pull request as GitHub has it now: a tracked base branch, and no fork unless allowed.
  const pr = await deps.codeReview.pullRequest(repository, pullRequest);
  if (!pr) return ignored(`pull request #${pullRequest} was not found`);
  const refused = previewRefusal(deps, repository, pr.baseRef, pr.fork);
  if (refused) return refuse(refused);
  const configuration = await loadConfiguration(deps, { repository, revision: pr.headSha }).catch(
    () => undefined,
  );
  if (!configuration) return ignored(`converge.yaml at ${pr.headSha.slice(0, 12)} cannot be used`);

  // Queue one preview per stack the pull request touches.
  const stacks = stacksToPlan(
    configuration,
    await deps.source.changedPaths(repository, pr.baseSha, pr.headSha),
  );
  const authors = unique([pr.author, login]);
  const jobs = await sendStackJobs(deps, context.delivery, stacks, (stack, stackKey) => ({
    type: 'plan',
    kind: 'preview',
    repository,
    revision: pr.headSha,
    stackName: stack.name,
    stackKey,
    requestedAt: context.requestedAt,
    deliveryId: context.delivery,
    pullRequest,
    ...(authors[0] ? { author: authors[0] } : {}),
    authors,
    ...(pr.fork ? { fork: true } : {}),
  }));
  return { outcome: 'accepted', jobs, votes: 0 };
}

/** The commit a pull request's merge produced, or `undefined` when it is not merged (or unknown). */
async function mergedRevision(
  deps: ReceiveWebhookDeps,
  repository: string,
  pullRequest: number,
): Promise<string | undefined> {
  const pr = await deps.codeReview.pullRequest(repository, pullRequest);
  return pr?.merged ? pr.mergeCommitSha : undefined;
}

/** Deploy (not preview) deployments of the repository that await approval. */
async function awaiting(deps: ReceiveWebhookDeps, repository: string): Promise<readonly Deployment[]> {
  return (await deps.store.listDeploymentsByStatus(DeploymentStatus.AWAITING_APPROVAL)).filter(
    (d) => d.repository === repository && d.kind !== DeploymentKind.PREVIEW,
  );
}

/** Casts one approving vote per deployment (refusals are audited by decideApproval). */
async function vote(
  deps: ReceiveWebhookDeps,
  deployments: readonly Deployment[],
  approver: string,
  comment?: string | null,
): Promise<readonly ApprovalDecisionResult[]> {
  const results: ApprovalDecisionResult[] = [];
  for (const deployment of deployments) {
    results.push(
      await decideApproval(deps, {
        deploymentId: deployment.id,
        approver: approver as ApproverIdentity,
        decision: 'approve',
        via: 'github',
        ...(comment ? { comment } : {}),
      }),
    );
  }
  return results;
}

function counted(results: readonly ApprovalDecisionResult[]): number {
  return results.filter((result) => result.outcome !== 'refused').length;
}
