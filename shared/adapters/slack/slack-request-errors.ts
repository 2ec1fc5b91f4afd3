import { RequestRejectedError } from '../../ports/request-rejected-error.ts';

/** Why a request claiming to come from Slack was refused; each carries a named `reason` for the audit record. */
export type SlackRequestRejectionReason =
  | 'signature-missing'
  | 'signature-invalid'
  | 'timestamp-stale'
  | 'payload-malformed';

/** Base of every Slack refusal; each carries the status the HTTP edge answers it with. */
export abstract class SlackRequestRejectedError extends RequestRejectedError {
  abstract override readonly reason: SlackRequestRejectionReason;
}

/** `X-Slack-Signature` or `X-Slack-Request-Timestamp` is missing. */
export class SlackSignatureMissingError extends SlackRequestRejectedError {
  readonly reason = 'signature-missing';
  readonly statusCode = 401;
  constructor(readonly header: string) {
    super(`the ${header} header is missing; Slack sends it on every request it signs`);
    this.name = 'SlackSignatureMissingError';
  }
}

/** The `v0=` signature does not match the body under the signing secret. */
export class SlackSignatureInvalidError extends SlackRequestRejectedError {
  readonly reason = 'signature-invalid';
  readonly statusCode = 401;
  constructor() {
    super(
      "the X-Slack-Signature does not match the body; check that Converge has the Slack app's signing secret (Basic Information > App Credentials)",
    );
    this.name = 'SlackSignatureInvalidError';
  }
}

/** The request timestamp is more than five minutes from now: possibly a replay. */
export class SlackTimestampStaleError extends SlackRequestRejectedError {
  readonly reason = 'timestamp-stale';
  readonly statusCode = 401;
  constructor(readonly skewSeconds: number) {
    super(
      `the X-Slack-Request-Timestamp is ${skewSeconds} seconds away from now, more than the 300 allowed; a replayed request, or a clock that needs NTP`,
    );
    this.name = 'SlackTimestampStaleError';
  }
}

/** The interactivity payload is not what Slack sends for a button click. */
export class SlackPayloadMalformedError extends SlackRequestRejectedError {
  readonly reason = 'payload-malformed';
  readonly statusCode = 400;
  constructor(detail: string) {
    super(`Slack interaction payload is malformed: ${detail}`);
    this.name = 'SlackPayloadMalformedError';
  }
}

/** Converge was started without a Slack signing secret. */
export class SlackConfigInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackConfigInvalidError';
  }
}
