import type { ControlPlanePolicy } from '../../domain/policy/control-plane-policy.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CodeReview } from '../../ports/code-review.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Source } from '../../ports/source.ts';
import type { Store } from '../../ports/store.ts';
import type { VerifyWebhook } from '../../ports/webhook.ts';
import type { DecideApprovalDeps } from '../approval/decide-approval.ts';

/** What receiving a GitHub delivery needs; the steps (jobs, votes, authors) take the same deps. */
export interface ReceiveWebhookDeps extends DecideApprovalDeps {
  readonly source: Source;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  /** Which repositories are served and which branches deploy: nothing in a delivery widens it. */
  readonly policy: ControlPlanePolicy;
  /** Pull requests, commit authors and permissions, from the code host's API. */
  readonly codeReview: CodeReview;
  /** Verifies the signature and narrows the event; throws a `WebhookRejectedError`. */
  readonly verify: VerifyWebhook;
  readonly settings: {
    /** How long a delivery id is remembered; GitHub redelivers within days. */
    readonly deliveryTtlMs: number;
  };
}

/**
 * What became of a verified delivery; the handler answers 202 (200 for a duplicate). Requests
 * that are refused (bad signature, malformed, too large) never get here: they throw.
 */
export type WebhookResult =
  | { readonly outcome: 'accepted'; readonly jobs: number; readonly votes: number }
  | { readonly outcome: 'duplicate' | 'ignored'; readonly reason: string };

/** Where the jobs of one delivery come from: its id, and when it was received (the order of plans). */
export interface DeliveryContext {
  readonly delivery: string;
  readonly requestedAt: number;
}

/** A delivery that needs nothing, and why (shown in GitHub's delivery log). */
export function ignored(reason: string): WebhookResult {
  return { outcome: 'ignored', reason };
}
