import type { EmitterWebhookEvent } from '@octokit/webhooks';

type Payload<Name extends 'push' | 'pull_request' | 'pull_request_review' | 'issue_comment' | 'ping'> =
  EmitterWebhookEvent<Name>['payload'];

/** What every verified delivery carries besides its payload. */
interface DeliveryBase {
  /** `X-GitHub-Delivery`: unique per delivery (redeliveries reuse it), the deduplication key. */
  readonly deliveryId: string;
  /** `X-GitHub-Hook-ID`, when present. */
  readonly hookId?: string;
}

/**
 * A verified GitHub delivery, narrowed by `name`. Events Converge does not act on are
 * `unknown`, with the raw event name kept for the audit record.
 *
 * @example
 * if (event.name === 'push') planPush(event.payload.after, event.payload.ref);
 */
export type GithubWebhookEvent =
  | (DeliveryBase & { readonly name: 'push'; readonly payload: Payload<'push'> })
  | (DeliveryBase & { readonly name: 'pull_request'; readonly payload: Payload<'pull_request'> })
  | (DeliveryBase & {
      readonly name: 'pull_request_review';
      readonly payload: Payload<'pull_request_review'>;
    })
  | (DeliveryBase & { readonly name: 'issue_comment'; readonly payload: Payload<'issue_comment'> })
  | (DeliveryBase & { readonly name: 'ping'; readonly payload: Payload<'ping'> })
  | (DeliveryBase & {
      readonly name: 'unknown';
      /** The `X-GitHub-Event` value as sent. */
      readonly eventName: string;
      readonly payload: Readonly<Record<string, unknown>>;
    });

/** The event names Converge narrows; any other is `unknown`. */
export const KNOWN_GITHUB_EVENTS = [
  'push',
  'pull_request',
  'pull_request_review',
  'issue_comment',
  'ping',
] as const;
export type KnownGithubEventName = (typeof KNOWN_GITHUB_EVENTS)[number];

export function isKnownGithubEvent(name: string): name is KnownGithubEventName {
  return (KNOWN_GITHUB_EVENTS as readonly string[]).includes(name);
}

/**
 * The fields Converge reads from each known event, as dotted paths with their JSON type: a
 * signed payload without them is refused as malformed rather than failing later.
 */
export const REQUIRED_FIELDS: Readonly<Record<KnownGithubEventName, readonly [string, string][]>> = {
  push: [
    ['ref', 'string'],
    ['after', 'string'],
    ['repository.full_name', 'string'],
  ],
  pull_request: [
    ['action', 'string'],
    ['number', 'number'],
    ['pull_request.head.sha', 'string'],
    ['repository.full_name', 'string'],
  ],
  pull_request_review: [
    ['action', 'string'],
    ['review.state', 'string'],
    ['pull_request.number', 'number'],
    ['repository.full_name', 'string'],
  ],
  issue_comment: [
    ['action', 'string'],
    ['comment.body', 'string'],
    ['issue.number', 'number'],
    ['repository.full_name', 'string'],
  ],
  ping: [],
};

/** The first required field that is missing or of the wrong type, as a sentence; `undefined` when all are there. */
export function missingField(
  name: KnownGithubEventName,
  payload: Record<string, unknown>,
): string | undefined {
  for (const [path, type] of REQUIRED_FIELDS[name]) {
    let value: unknown = payload;
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (typeof value !== type) return `a ${name} event needs "${path}" (${type})`;
  }
  return undefined;
}
