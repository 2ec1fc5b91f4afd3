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

/**
 * A push to the tracked branch: one deploy plan per stack it touches, at the pushed revision.
 * Each push (repository, ref, before, after) is taken once: GitHub's signature does not cover
 * the delivery id, so a replayed body under a new one is the same push and changes nothing.
 */
export async function pushJobs(
  deps: ReceiveWebhookDeps,
  payload: PushPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
  if (payload.deleted || !payload.ref.startsWith('refs/heads/'))
    return ignored(`${payload.ref} is not a branch update`);

  // Take each push once, whatever delivery carries it (a conditional write, expiry in its condition).
  const push = { repository, ref: payload.ref, before: payload.before, after: payload.after };
  if (!(await deps.store.recordPush(push, deps.clock.now(), deps.settings.deliveryTtlMs))) {
    return {
      outcome: 'duplicate',
      reason: `the push of ${payload.ref} from ${payload.before.slice(0, 12)} to ${payload.after.slice(0, 12)} was already processed`,
    };
  }

  // A push whose jobs were not all queued is forgotten again, like its delivery, so a redelivery plans it.
  try {
    return await pushPlanJobs(deps, payload, context);
  } catch (error) {
    await deps.store.releasePush(push).catch((releaseError: unknown) => {
      throw new AggregateError(
        [error, releaseError],
        `The push to ${payload.after.slice(0, 12)} failed and could not be forgotten, so a redelivery of it is dropped as a duplicate until the push record expires; push again to plan its stacks.`,
      );
    });
    throw error;
  }
}

async function pushPlanJobs(
  deps: ReceiveWebhookDeps,
  payload: PushPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;
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
