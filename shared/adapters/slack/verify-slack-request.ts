import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  SlackConfigInvalidError,
  SlackSignatureInvalidError,
  SlackSignatureMissingError,
  SlackTimestampStaleError,
} from './slack-request-errors.ts';

/** Slack's own rule ("Verifying requests from Slack"): more than five minutes off, either way, is a replay. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export interface VerifySlackRequestInput {
  /** The app's signing secret (not the bot token). */
  readonly signingSecret: string;
  /** `X-Slack-Request-Timestamp`: seconds since the epoch. */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=` and a hex HMAC-SHA256. */
  readonly signature: string | undefined;
  /** The raw body exactly as received (form-encoded for interactivity). */
  readonly body: string;
  /** Milliseconds since the epoch (`clock.now()`). */
  readonly now: number;
}

const TIMESTAMP = /^\d{1,12}$/;

/**
 * Verifies that a request came from Slack: the timestamp is within five minutes of `now` (in
 * either direction), then `v0=` + HMAC-SHA256(signingSecret, `v0:<timestamp>:<body>`) equals
 * the signature, compared in constant time. Returns nothing; throws a `SlackRequestRejectedError`.
 *
 * @example
 * verifySlackRequest({ signingSecret, timestamp: headers['x-slack-request-timestamp'],
 *   signature: headers['x-slack-signature'], body, now: clock.now() });
 */
export function verifySlackRequest(input: VerifySlackRequestInput): void {
  if (!input.signingSecret) {
    throw new SlackConfigInvalidError(
      'no Slack signing secret is configured; copy it from the Slack app settings',
    );
  }
  if (!input.timestamp) throw new SlackSignatureMissingError('X-Slack-Request-Timestamp');
  if (!input.signature) throw new SlackSignatureMissingError('X-Slack-Signature');

  // Refuse replays first: a stale request is refused whatever its signature.
  if (!TIMESTAMP.test(input.timestamp)) throw new SlackSignatureInvalidError();
  const skewSeconds = Math.abs(Math.floor(input.now / 1000) - Number(input.timestamp));
  if (skewSeconds > SLACK_MAX_SKEW_SECONDS) throw new SlackTimestampStaleError(skewSeconds);

  const expected = Buffer.from(
    `v0=${createHmac('sha256', input.signingSecret).update(`v0:${input.timestamp}:${input.body}`).digest('hex')}`,
  );
  const given = Buffer.from(input.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SlackSignatureInvalidError();
}
