import { ConfigurationError } from '../../domain/config/configuration-error.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import { isTrackedBranch, repositoryPolicy } from '../../domain/policy/control-plane-policy.ts';
import type { ConfigurationProblems } from '../../ports/notifier.ts';
import type { Job } from '../../ports/queue.ts';
import type { PullRequestPayload, PushPayload } from '../../ports/webhook.ts';
import { DEFAULT_CONFIGURATION_FILE, loadConfiguration } from '../configuration/load-configuration.ts';
import { validateRepository } from '../configuration/validate-repository.ts';
import { sendRemovedStackJobs } from './removed-stack-jobs.ts';
import { pullRequestAuthors, pushAuthors } from './webhook-authors.ts';
import {
  type DeliveryContext,
  ignored,
  type ReceiveWebhookDeps,
  type WebhookResult,
} from './webhook-deps.ts';
import { pushChangedPaths, sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';

/**
 * A push to a branch the control-plane policy tracks for the repository: one deploy plan per
 * stack it touches, at the pushed revision, attributed to everyone the push brings in. A push to
 * any other ref plans nothing, whatever the pushed converge.yaml says. Each push (repository,
 * ref, before, after) is taken once: GitHub's signature does not cover the delivery id, so a
 * replayed body under a new one is the same push and changes nothing.
 */
export async function pushJobs(
  deps: ReceiveWebhookDeps,
  payload: PushPayload,
  context: DeliveryContext,
): Promise<WebhookResult> {
  const repository = payload.repository.full_name;

  // Only tracked branches deploy; the policy says which, never the pushed commit.
  if (payload.deleted) return ignored(`${payload.ref} was deleted; a deletion deploys nothing`);
  if (!isTrackedBranch(deps.policy, repository, payload.ref))
    return ignored(untracked(deps, repository, payload.ref));

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

  // Check converge.yaml and every file it names at the pushed revision, as `converge validate` does;
  // a broken one plans nothing, and every problem goes where people look (the commit's check, chat).
  const checked = await validateRepository(deps, { repository, revision: payload.after }).catch(
    (error: unknown) => cannotRead(payload.after, error),
  );
  if (typeof checked === 'string') return ignored(checked);
  const { configuration, issues } = checked;
  if (!configuration) {
    return refuseConfiguration(deps, { repository, revision: payload.after, ref: payload.ref, issues });
  }
  const changedPaths = await pushChangedPaths(deps, repository, payload);
  const stacks = stacksToPlan(configuration, changedPaths);

  // Stacks the pushed converge.yaml no longer names are released or deleted (remove-stack jobs).
  const removed = await sendRemovedStackJobs(deps, {
    repository,
    revision: payload.after,
    configuration,
    changedPaths,
    deliveryId: context.delivery,
    requestedAt: context.requestedAt,
  });
  if (stacks.length === 0) return { outcome: 'accepted', jobs: removed, votes: 0 };

  // Queue one deploy plan per stack, attributed to whoever the push brings in.
  const authors = await pushAuthors(deps, repository, payload);
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
      ...(authors[0] ? { author: authors[0] } : {}),
      authors,
    }),
  );
  return { outcome: 'accepted', jobs: jobs + removed, votes: 0 };
}

/**
 * A pull request into a tracked branch opened, updated or reopened: one preview plan per stack it
 * touches, at its head. Closed: one cleanup job per configured stack. A pull request from a fork
 * is previewed only when the policy allows fork previews, and its jobs say so.
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
  // Only pull requests into a tracked branch, and from a fork only when the policy allows it.
  const fork = isFork(payload);
  const refused = previewRefusal(deps, repository, pr.base.ref, fork);
  if (refused) return ignored(refused);

  // A closing pull request cleans up whatever its head says; an open one is checked like a push,
  // and its problems go to the pull request's head commit (a check run), never to chat.
  const configuration = closing
    ? await readConfiguration(deps, repository, pr.head.sha)
    : await validateRepository(deps, { repository, revision: pr.head.sha }).then(
        ({ configuration, issues }) => configuration ?? { issues },
        (error: unknown) => cannotRead(pr.head.sha, error),
      );
  if (typeof configuration === 'string') return ignored(configuration);
  if ('issues' in configuration) {
    return refuseConfiguration(deps, {
      repository,
      revision: pr.head.sha,
      ref: `refs/pull/${payload.number}/head`,
      pullRequest: payload.number,
      issues: configuration.issues,
    });
  }
  const stacks = closing
    ? configuration.stacks
    : stacksToPlan(configuration, await deps.source.changedPaths(repository, pr.base.sha, pr.head.sha));
  const authors = pullRequestAuthors(payload);
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
            ...(authors[0] ? { author: authors[0] } : {}),
            authors,
            ...(fork ? { fork: true } : {}),
          },
  );
  return { outcome: 'accepted', jobs, votes: 0 };
}

/**
 * Why a pull request is not previewed, or `undefined` when it is: it must target a tracked
 * branch, and come from the repository itself unless the policy previews forks.
 */
export function previewRefusal(
  deps: Pick<ReceiveWebhookDeps, 'policy'>,
  repository: string,
  baseRef: string,
  fork: boolean,
): string | undefined {
  if (!isTrackedBranch(deps.policy, repository, `refs/heads/${baseRef}`))
    return `the pull request targets ${baseRef}; ${untracked(deps, repository, `refs/heads/${baseRef}`)}`;
  if (fork && !deps.policy.forks.previews)
    return `the pull request comes from a fork; the control-plane policy (${deps.policy.file}) does not preview forks (forks.previews)`;
  return undefined;
}

/** Whether the pull request's head lives in another repository (a fork, or a deleted one). */
function isFork(payload: PullRequestPayload): boolean {
  const head = payload.pull_request.head.repo?.full_name;
  const base = payload.pull_request.base.repo?.full_name ?? payload.repository.full_name;
  return head === undefined || head.toLowerCase() !== base.toLowerCase();
}

function untracked(deps: Pick<ReceiveWebhookDeps, 'policy'>, repository: string, ref: string): string {
  const branches = repositoryPolicy(deps.policy, repository)?.branches ?? [];
  return `${ref} is not a branch the control-plane policy (${deps.policy.file}) deploys for ${repository} (it tracks ${branches.join(', ') || 'none'}); nothing is planned`;
}

/**
 * A pushed revision whose configuration has problems: every channel is told every problem, and
 * the delivery is ignored with the same list (GitHub's delivery log).
 */
async function refuseConfiguration(
  deps: ReceiveWebhookDeps,
  problems: Omit<ConfigurationProblems, 'file'>,
): Promise<WebhookResult> {
  const outcome = await deps.notifier.configurationInvalid({ ...problems, file: DEFAULT_CONFIGURATION_FILE });
  const untold = outcome.failures.map((failure) => `${failure.channel}: ${failure.message}`);
  return ignored(
    [
      `converge.yaml at ${problems.revision.slice(0, 12)} cannot be used, nothing is planned: ${new ConfigurationError(problems.issues).message}`,
      ...(untold.length > 0 ? [`(not notified: ${untold.join('; ')})`] : []),
    ].join('\n'),
  );
}

function cannotRead(revision: string, error: unknown): string {
  return `converge.yaml at ${revision.slice(0, 12)} cannot be used: ${error instanceof Error ? error.message : String(error)}`;
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
    return cannotRead(revision, error);
  }
}
