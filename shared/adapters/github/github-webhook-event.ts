import type { WebhookEvent } from '../../ports/webhook.ts';

/** A verified GitHub delivery: the port's {@link WebhookEvent}, as the GitHub adapter produces it. */
export type GithubWebhookEvent = WebhookEvent;

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
    ['before', 'string'],
    ['after', 'string'],
    ['commits', 'object'],
    ['repository.full_name', 'string'],
  ],
  pull_request: [
    ['action', 'string'],
    ['number', 'number'],
    ['pull_request.head.sha', 'string'],
    ['pull_request.head.ref', 'string'],
    ['pull_request.base.sha', 'string'],
    ['pull_request.base.ref', 'string'],
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
