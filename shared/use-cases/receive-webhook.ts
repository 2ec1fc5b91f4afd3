import {
  GithubWebhookPayloadTooLargeError,
  GithubWebhookRejectedError,
  GithubWebhookSignatureInvalidError,
  GithubWebhookSignatureMissingError,
} from '../adapters/github/github-webhook-errors.ts';
import type { GithubWebhookEvent } from '../adapters/github/github-webhook-event.ts';
import type { Clock } from '../ports/clock.ts';
import type { Queue } from '../ports/queue.ts';
import type { Source } from '../ports/source.ts';
import type { Store } from '../ports/store.ts';
import type { DecideApprovalDeps } from './decide-approval.ts';
import { iso } from './move-deployment.ts';
import { pullRequestJobs, pushJobs } from './webhook-jobs.ts';
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
    /** Repositories (`owner/name`) Converge acts for; empty or absent accepts any the hook is on. */
    readonly repositories?: readonly string[];
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

  // Turn the event into jobs or votes. A delivery that fails part-way is forgotten again, so
  // GitHub's redelivery is processed (FIFO deduplication ids make re-sent jobs harmless).
  try {
    return await dispatch(deps, event);
  } catch (error) {
    await releaseDelivery(store, event.deliveryId, error);
    throw error;
  }
}

async function dispatch(deps: ReceiveWebhookDeps, event: GithubWebhookEvent): Promise<WebhookResult> {
  // Only repositories Converge is set up for (all, when the list is empty).
  const repository = (event.payload as { repository?: { full_name?: string } }).repository?.full_name;
  const allowed = deps.settings.repositories ?? [];
  if (repository && allowed.length > 0 && !allowed.includes(repository)) {
    return ignored(`${repository} is not a repository Converge deploys from`);
  }

  const context = { delivery: event.deliveryId, requestedAt: deps.clock.now() };
  switch (event.name) {
    case 'push':
      return pushJobs(deps, event.payload, context);
    case 'pull_request':
      return pullRequestJobs(deps, event.payload, context);
    case 'pull_request_review': {
      const votes = await pullRequestReviewVotes(deps, event.payload);
      return votes === undefined
        ? ignored('only approving reviews count as votes')
        : { outcome: 'accepted', jobs: 0, votes };
    }
    case 'issue_comment':
      return slashCommand(deps, event.payload, context);
    default:
      return ignored(`${event.name === 'unknown' ? event.eventName : event.name} events need nothing`);
  }
}

/** Forgets the delivery; if even that fails, both failures are reported (the delivery then stays recorded). */
async function releaseDelivery(store: Store, deliveryId: string, cause: unknown): Promise<void> {
  try {
    await store.releaseDelivery(deliveryId);
  } catch (releaseError) {
    throw new AggregateError(
      [cause, releaseError],
      `Delivery ${deliveryId} failed and could not be forgotten, so GitHub's redelivery of it is dropped as a duplicate until the delivery record expires; push again (or comment /converge plan) to plan its stacks.`,
    );
  }
}

function ignored(reason: string): WebhookResult {
  return { outcome: 'ignored', reason };
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
