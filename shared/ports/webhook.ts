import { RequestRejectedError } from './request-rejected-error.ts';

/**
 * What the webhook use case reads from a verified GitHub delivery. The GitHub adapter verifies
 * the signature and narrows the event into these shapes; the use cases never see Octokit types.
 * Only fields GitHub authenticates or derives itself are used for identity (`sender`, `pusher`,
 * the pull request's `user`), never a commit's author, which the committer writes.
 */

/** The raw delivery, exactly as received: headers and the undecoded body. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

interface RepositoryField {
  /** `owner/name`. */
  readonly full_name: string;
}

interface UserField {
  readonly login: string;
}

/** A push: `ref` moved from `before` to `after`. */
export interface PushPayload {
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly created?: boolean;
  readonly deleted?: boolean;
  readonly forced?: boolean;
  readonly commits: readonly {
    readonly added?: string[];
    readonly modified?: string[];
    readonly removed?: string[];
  }[];
  readonly repository: RepositoryField;
  /** The account that pushed (its login as `name`), authenticated by GitHub. */
  readonly pusher?: { readonly name?: string | null } | null;
  /** The account that triggered the event, authenticated by GitHub. */
  readonly sender?: UserField | null;
}

/** One side of a pull request: a commit on a branch of a repository (the fork's, for a fork). */
interface PullRequestSide {
  readonly sha: string;
  readonly ref: string;
  /** `null` when the head repository (a fork) was deleted. */
  readonly repo?: RepositoryField | null;
}

export interface PullRequestPayload {
  readonly action: string;
  readonly number: number;
  readonly repository: RepositoryField;
  readonly sender?: UserField | null;
  readonly pull_request: {
    readonly user?: UserField | null;
    readonly head: PullRequestSide;
    readonly base: PullRequestSide;
  };
}

export interface PullRequestReviewPayload {
  readonly action: string;
  readonly repository: RepositoryField;
  readonly review: {
    readonly state: string;
    readonly commit_id?: string;
    readonly body?: string | null;
    readonly user?: UserField | null;
  };
  readonly pull_request: { readonly number: number };
}

export interface IssueCommentPayload {
  readonly action: string;
  readonly repository: RepositoryField;
  readonly issue: { readonly number: number; readonly pull_request?: unknown };
  readonly comment: { readonly body: string; readonly user?: UserField | null };
}

/** What every verified delivery carries besides its payload. */
interface DeliveryBase {
  /** `X-GitHub-Delivery`: unique per delivery (redeliveries reuse it), the deduplication key. */
  readonly deliveryId: string;
  readonly hookId?: string;
}

/**
 * A verified delivery, narrowed by `name`. Events Converge does not act on are `unknown`, with
 * the raw event name kept.
 *
 * @example
 * if (event.name === 'push') planPush(event.payload.after, event.payload.ref);
 */
export type WebhookEvent =
  | (DeliveryBase & { readonly name: 'push'; readonly payload: PushPayload })
  | (DeliveryBase & { readonly name: 'pull_request'; readonly payload: PullRequestPayload })
  | (DeliveryBase & { readonly name: 'pull_request_review'; readonly payload: PullRequestReviewPayload })
  | (DeliveryBase & { readonly name: 'issue_comment'; readonly payload: IssueCommentPayload })
  | (DeliveryBase & { readonly name: 'ping'; readonly payload: Readonly<Record<string, unknown>> })
  | (DeliveryBase & {
      readonly name: 'unknown';
      /** The `X-GitHub-Event` value as sent. */
      readonly eventName: string;
      readonly payload: Readonly<Record<string, unknown>>;
    });

/** Verifies a delivery and narrows it; throws a {@link WebhookRejectedError} for a request to refuse. */
export type VerifyWebhook = (request: WebhookRequest) => Promise<WebhookEvent>;

/** A webhook delivery refused before it was read (see the GitHub adapter's subclasses). */
export abstract class WebhookRejectedError extends RequestRejectedError {}
