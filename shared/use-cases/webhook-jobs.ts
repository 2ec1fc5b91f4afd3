import type { EmitterWebhookEvent } from '@octokit/webhooks';
import type { Configuration } from '../domain/config/stack-config.ts';
import type { Job } from '../ports/queue.ts';
import { loadConfiguration } from './load-configuration.ts';
import type { ReceiveWebhookDeps, WebhookResult } from './receive-webhook.ts';
import { pushChangedPaths, sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';

type PushPayload = EmitterWebhookEvent<'push'>['payload'];
type PullRequestPayload = EmitterWebhookEvent<'pull_request'>['payload'];

/** Where the jobs of one delivery come from: its id, and when it was received (the order of plans). */
export interface DeliveryContext {
  readonly delivery: string;
  readonly requestedAt: number;
}

/** A push to the tracked branch: one deploy plan per stack it touches, at the pushed revision. */
export async function pushJobs(
  deps: ReceiveWebhookDeps,
  payload: PushPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
  if (payload.deleted || !payload.ref.startsWith('refs/heads/'))
    return ignored(`${payload.ref} is not a branch update`);
  const configuration = await readConfiguration(deps, repository, payload.after);
  if (typeof configuration === 'string') return ignored(configuration);
  if (payload.ref !== `refs/heads/${configuration.branch}`) {
    return ignored(`${payload.ref} is not the tracked branch ${configuration.branch}`);
  }
  const stacks = stacksToPlan(configuration, await pushChangedPaths(deps, repository, payload));
  const author = payload.head_commit?.author?.username ?? payload.sender?.login;
  const jobs = await sendStackJobs(
    deps,
    context.delivery,
    stacks,
    (stack, stackKey): Job => ({
      type: 'plan',
      kind: 'deploy',
      repository,
      revision: payload.after,
      stackName: stack.name,
      stackKey,
      requestedAt: context.requestedAt,
      deliveryId: context.delivery,
      author,
    }),
  );
  return { outcome: 'accepted', jobs, votes: 0 };
}

/**
 * A pull request opened, updated or reopened: one preview plan per stack it touches, at its head.
 * Closed: one cleanup job per configured stack.
 */
export async function pullRequestJobs(
  deps: ReceiveWebhookDeps,
  payload: PullRequestPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
  const pr = payload.pull_request;
  const closing = payload.action === 'closed';
  if (!closing && !['opened', 'synchronize', 'reopened'].includes(payload.action)) {
    return ignored(`pull_request ${payload.action} needs nothing`);
  }
  const configuration = await readConfiguration(deps, repository, pr.head.sha);
  if (typeof configuration === 'string') return ignored(configuration);
  if (pr.base.ref !== configuration.branch)
    return ignored(`pull request targets ${pr.base.ref}, not ${configuration.branch}`);
  const stacks = closing
    ? configuration.stacks
    : stacksToPlan(configuration, await deps.source.changedPaths(repository, pr.base.sha, pr.head.sha));
  const jobs = await sendStackJobs(
    deps,
    context.delivery,
    stacks,
    (stack, stackKey): Job =>
      closing
        ? { type: 'cleanup-preview', repository, pullRequest: payload.number, stackKey }
        : {
            type: 'plan',
            kind: 'preview',
            repository,
            revision: pr.head.sha,
            stackName: stack.name,
            stackKey,
            requestedAt: context.requestedAt,
            deliveryId: context.delivery,
            pullRequest: payload.number,
            author: pr.user?.login,
          },
  );
  return { outcome: 'accepted', jobs, votes: 0 };
}

function ignored(reason: string): WebhookResult {
  return { outcome: 'ignored', reason };
}

/** converge.yaml at the revision, or why it cannot be read (the delivery is then ignored). */
async function readConfiguration(
  deps: ReceiveWebhookDeps,
  repository: string,
  revision: string,
): Promise<Configuration | string> {
  try {
    return await loadConfiguration(deps, { repository, revision });
  } catch (error) {
    return `converge.yaml at ${revision.slice(0, 12)} cannot be used: ${error instanceof Error ? error.message : String(error)}`;
  }
}
