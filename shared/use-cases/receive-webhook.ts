import {
  GithubWebhookPayloadTooLargeError,
  GithubWebhookRejectedError,
  GithubWebhookSignatureInvalidError,
  GithubWebhookSignatureMissingError,
} from '../adapters/github/github-webhook-errors.ts';
import type { GithubWebhookEvent } from '../adapters/github/github-webhook-event.ts';
import type { Configuration } from '../domain/config/stack-config.ts';
import type { Clock } from '../ports/clock.ts';
import type { Job, Queue } from '../ports/queue.ts';
import type { Source } from '../ports/source.ts';
import type { Store } from '../ports/store.ts';
import type { DecideApprovalDeps } from './decide-approval.ts';
import { loadConfiguration } from './load-configuration.ts';
import { iso } from './move-deployment.ts';
import { pushChangedPaths, sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';
import { pullRequestReviewVotes, slashCommand } from './webhook-votes.ts';

/** The raw delivery, exactly as received: headers and the undecoded body. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

export interface ReceiveWebhookDeps extends DecideApprovalDeps {
  readonly source: Source;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  /** Verifies the signature and narrows the event (GitHub adapter); throws a rejection error. */
  readonly verify: (request: WebhookRequest) => Promise<GithubWebhookEvent>;
  /** The head commit and base branch of a pull request, for `/converge plan` comments. */
  readonly pullRequestHead?: (
    repository: string,
    pullRequest: number,
  ) => Promise<{ sha: string; baseSha: string } | undefined>;
  readonly settings: {
    /** How long a delivery id is remembered; GitHub redelivers within days. */
    readonly deliveryTtlMs: number;
  };
}

/** What became of a delivery. The handler maps it to HTTP: 202, 200, 401, 400 or 413. */
export type WebhookResult =
  | { readonly outcome: 'accepted'; readonly jobs: number; readonly votes: number }
  | { readonly outcome: 'duplicate' | 'ignored'; readonly reason: string }
  | {
      readonly outcome: 'rejected';
      readonly problem: 'signature' | 'malformed' | 'too-large';
      readonly reason: string;
    };

/**
 * Receives one GitHub delivery: verifies it, drops redeliveries, and turns what happened into
 * plan, preview or cleanup jobs on the FIFO queue, or into votes. Reads the repository but never
 * calls CloudFormation, so it answers well inside GitHub's 10 seconds.
 */
export async function receiveWebhook(
  deps: ReceiveWebhookDeps,
  request: WebhookRequest,
): Promise<WebhookResult> {
  const { store, clock } = deps;

  // Verify the signature first; a rejected delivery leaves only an audit record.
  let event: GithubWebhookEvent;
  try {
    event = await deps.verify(request);
  } catch (error) {
    const problem = rejection(error);
    if (!problem) throw error;
    const reason = (error as Error).message;
    await store.appendAudit({
      subject: 'webhook#github',
      action: 'rejected',
      actor: 'github:unverified',
      reason,
      at: iso(clock),
      data: { problem },
    });
    return { outcome: 'rejected', problem, reason };
  }

  // Process each delivery at most once (a conditional write on its id).
  if (!(await store.recordDelivery(event.deliveryId, clock.now(), deps.settings.deliveryTtlMs))) {
    return { outcome: 'duplicate', reason: `delivery ${event.deliveryId} was already processed` };
  }

  // Turn the event into jobs or votes.
  const delivery = event.deliveryId;
  const requestedAt = clock.now();
  switch (event.name) {
    case 'push': {
      const { payload } = event;
      const repository = payload.repository.full_name;
      if (payload.deleted || !payload.ref.startsWith('refs/heads/'))
        return ignored(`${payload.ref} is not a branch update`);
      const configuration = await readConfiguration(deps, repository, payload.after);
      if (typeof configuration === 'string') return ignored(configuration);
      if (payload.ref !== `refs/heads/${configuration.branch}`)
        return ignored(`${payload.ref} is not the tracked branch ${configuration.branch}`);
      const stacks = stacksToPlan(configuration, await pushChangedPaths(deps, repository, payload));
      const author = payload.head_commit?.author?.username ?? payload.sender?.login;
      const jobs = await sendStackJobs(
        deps,
        delivery,
        stacks,
        (stack, stackKey): Job => ({
          type: 'plan',
          kind: 'deploy',
          repository,
          revision: payload.after,
          stackName: stack.name,
          stackKey,
          requestedAt,
          deliveryId: delivery,
          author,
        }),
      );
      return { outcome: 'accepted', jobs, votes: 0 };
    }
    case 'pull_request': {
      const { payload } = event;
      const repository = payload.repository.full_name;
      const pr = payload.pull_request;
      const closing = payload.action === 'closed';
      if (!closing && !['opened', 'synchronize', 'reopened'].includes(payload.action))
        return ignored(`pull_request ${payload.action} needs nothing`);
      const configuration = await readConfiguration(deps, repository, pr.head.sha);
      if (typeof configuration === 'string') return ignored(configuration);
      if (pr.base.ref !== configuration.branch)
        return ignored(`pull request targets ${pr.base.ref}, not ${configuration.branch}`);
      const stacks = closing
        ? configuration.stacks
        : stacksToPlan(configuration, await deps.source.changedPaths(repository, pr.base.sha, pr.head.sha));
      const jobs = await sendStackJobs(
        deps,
        delivery,
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
                requestedAt,
                deliveryId: delivery,
                pullRequest: payload.number,
                author: pr.user?.login,
              },
      );
      return { outcome: 'accepted', jobs, votes: 0 };
    }
    case 'pull_request_review': {
      const votes = await pullRequestReviewVotes(deps, event.payload);
      return votes === undefined
        ? ignored('only approving reviews count as votes')
        : { outcome: 'accepted', jobs: 0, votes };
    }
    case 'issue_comment':
      return slashCommand(deps, event.payload, { delivery, requestedAt });
    default:
      return ignored(`${event.name === 'unknown' ? event.eventName : event.name} events need nothing`);
  }
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

/** Which 4xx a verification error is; `undefined` for errors that are not about the request. */
function rejection(error: unknown): 'signature' | 'malformed' | 'too-large' | undefined {
  if (!(error instanceof GithubWebhookRejectedError)) return undefined;
  if (error instanceof GithubWebhookPayloadTooLargeError) return 'too-large';
  if (
    error instanceof GithubWebhookSignatureMissingError ||
    error instanceof GithubWebhookSignatureInvalidError
  )
    return 'signature';
  return 'malformed';
}
