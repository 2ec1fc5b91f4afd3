import { repositoryPolicy } from '../../domain/policy/control-plane-policy.ts';
import type { Store } from '../../ports/store.ts';
import type { WebhookEvent, WebhookRequest } from '../../ports/webhook.ts';
import {
  type DeliveryContext,
  ignored,
  type ReceiveWebhookDeps,
  type WebhookResult,
} from './webhook-deps.ts';
import { pullRequestJobs, pushJobs } from './webhook-jobs.ts';
import { pullRequestReviewVotes, slashCommand } from './webhook-votes.ts';

export type { ReceiveWebhookDeps, WebhookResult } from './webhook-deps.ts';

/**
 * Receives one GitHub delivery: verifies it, drops redeliveries, and turns what happened into
 * plan, preview or cleanup jobs on the FIFO queue, or into votes. Reads the repository but never
 * calls CloudFormation, so it answers well inside GitHub's 10 seconds.
 *
 * @throws WebhookRejectedError (from `verify`) for a request to refuse: nothing is written.
 */
export async function receiveWebhook(
  deps: ReceiveWebhookDeps,
  request: WebhookRequest,
): Promise<WebhookResult> {
  const { store, clock } = deps;

  // Verify the signature first; a refused request throws and leaves nothing behind.
  const event = await deps.verify(request);

  // Only repositories the control-plane policy serves; others are ignored before any write.
  const repository = repositoryOf(event);
  if (repository !== undefined && !repositoryPolicy(deps.policy, repository)) {
    return ignored(
      `${repository} is not a repository the control-plane policy (${deps.policy.file}) serves; add it under repositories: to deploy from it`,
    );
  }

  // Process each delivery at most once (a conditional write on its id).
  if (!(await store.recordDelivery(event.deliveryId, clock.now(), deps.settings.deliveryTtlMs))) {
    return { outcome: 'duplicate', reason: `delivery ${event.deliveryId} was already processed` };
  }

  // Turn the event into jobs or votes. A delivery that fails part-way is forgotten again, so
  // GitHub's redelivery is processed (FIFO deduplication ids make re-sent jobs harmless).
  try {
    return await dispatch(deps, event, { delivery: event.deliveryId, requestedAt: clock.now() });
  } catch (error) {
    await releaseDelivery(store, event.deliveryId, error);
    throw error;
  }
}

function dispatch(
  deps: ReceiveWebhookDeps,
  event: WebhookEvent,
  context: DeliveryContext,
): Promise<WebhookResult> | WebhookResult {
  switch (event.name) {
    case 'push':
      return pushJobs(deps, event.payload, context);
    case 'pull_request':
      return pullRequestJobs(deps, event.payload, context);
    case 'pull_request_review':
      return pullRequestReviewVotes(deps, event.payload);
    case 'issue_comment':
      return slashCommand(deps, event.payload, context);
    default:
      return ignored(`${event.name === 'unknown' ? event.eventName : event.name} events need nothing`);
  }
}

function repositoryOf(event: WebhookEvent): string | undefined {
  const repository = (event.payload as { repository?: { full_name?: unknown } }).repository?.full_name;
  return typeof repository === 'string' ? repository : undefined;
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
