import { verify } from '@octokit/webhooks-methods';
import {
  GithubWebhookConfigInvalidError,
  GithubWebhookHeaderInvalidError,
  GithubWebhookPayloadMalformedError,
  GithubWebhookPayloadTooLargeError,
  GithubWebhookSignatureInvalidError,
  GithubWebhookSignatureMissingError,
} from './github-webhook-errors.ts';
import { type GithubWebhookEvent, isKnownGithubEvent, missingField } from './github-webhook-event.ts';

/**
 * GitHub caps webhook payloads at 25 MB and does not deliver larger ones ("About webhook
 * events and payloads", Payload cap), so a larger body did not come from GitHub.
 */
export const GITHUB_WEBHOOK_MAX_BYTES = 25 * 1024 * 1024;

export interface VerifyGithubWebhookInput {
  /**
   * The webhook secret; during a rotation, the new and the old one. A delivery signed with any
   * of them is accepted.
   */
  readonly secrets: string | readonly string[];
  /** Request headers; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body exactly as received (decode base64 first); a parsed-and-reserialized body never verifies. */
  readonly body: string;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const EVENT_NAME = /^[a-z_]{1,64}$/;
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

/**
 * Verifies a GitHub webhook delivery and returns it as a typed event. Checks run cheapest
 * first and nothing is parsed before the signature holds: size, signature (HMAC-SHA256 over the
 * raw body, compared in constant time by `@octokit/webhooks-methods`), headers, then JSON.
 *
 * @throws GithubWebhookPayloadTooLargeError, GithubWebhookSignatureMissingError,
 *   GithubWebhookSignatureInvalidError, GithubWebhookHeaderInvalidError,
 *   GithubWebhookPayloadMalformedError (all `GithubWebhookRejectedError`, answered with a 4xx)
 * @example
 * const event = await verifyGithubWebhook({ secrets: [current, previous], headers, body });
 * if (event.name === 'push') { ... }
 */
export async function verifyGithubWebhook(input: VerifyGithubWebhookInput): Promise<GithubWebhookEvent> {
  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new GithubWebhookConfigInvalidError(
      'no GitHub webhook secret is configured; set the secret the GitHub webhook signs with',
    );
  }
  const headers = lowerCaseKeys(input.headers);

  // Refuse what GitHub never sends before spending an HMAC on it.
  const bytes = Buffer.byteLength(input.body, 'utf8');
  if (bytes > GITHUB_WEBHOOK_MAX_BYTES)
    throw new GithubWebhookPayloadTooLargeError(bytes, GITHUB_WEBHOOK_MAX_BYTES);

  // Verify the signature against every accepted secret.
  const signature = headers['x-hub-signature-256'];
  if (!signature) throw new GithubWebhookSignatureMissingError();
  if (!SIGNATURE.test(signature) || !(await matchesAnySecret(secrets, input.body, signature))) {
    throw new GithubWebhookSignatureInvalidError();
  }

  // Read the event name and delivery id that the signature does not cover, but GitHub always sends.
  const eventName = headers['x-github-event'];
  if (!eventName || !EVENT_NAME.test(eventName)) throw new GithubWebhookHeaderInvalidError('X-GitHub-Event');
  const deliveryId = headers['x-github-delivery'];
  if (!deliveryId || !DELIVERY_ID.test(deliveryId))
    throw new GithubWebhookHeaderInvalidError('X-GitHub-Delivery');
  const hookId = headers['x-github-hook-id'];

  // Parse and narrow the payload.
  const payload = parseObject(input.body);
  const base = hookId ? { deliveryId, hookId } : { deliveryId };
  if (!isKnownGithubEvent(eventName)) return { ...base, name: 'unknown', eventName, payload };
  const missing = missingField(eventName, payload);
  if (missing) throw new GithubWebhookPayloadMalformedError(missing);
  return { ...base, name: eventName, payload } as GithubWebhookEvent;
}

async function matchesAnySecret(
  secrets: readonly string[],
  body: string,
  signature: string,
): Promise<boolean> {
  if (body.length === 0) return false;
  // Every secret is tried, so the time taken does not tell which one matched.
  const results = await Promise.all(secrets.map((secret) => verify(secret, body, signature)));
  return results.includes(true);
}

function parseObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new GithubWebhookPayloadMalformedError('it is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GithubWebhookPayloadMalformedError('it is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function lowerCaseKeys(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
