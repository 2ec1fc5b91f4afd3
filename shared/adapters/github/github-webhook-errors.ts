import { WebhookRejectedError } from '../../ports/webhook.ts';

/**
 * Why a GitHub webhook request was refused. Each error carries a named `reason` for the audit
 * record; none carries the body, the signature or a secret.
 */
export type GithubWebhookRejectionReason =
  | 'payload-too-large'
  | 'signature-missing'
  | 'signature-invalid'
  | 'header-invalid'
  | 'payload-malformed';

/** Base of every GitHub refusal; each carries the status the HTTP edge answers it with. */
export abstract class GithubWebhookRejectedError extends WebhookRejectedError {
  abstract override readonly reason: GithubWebhookRejectionReason;
}

/** The body is over GitHub's 25 MB payload cap: GitHub never sends such a delivery. */
export class GithubWebhookPayloadTooLargeError extends GithubWebhookRejectedError {
  readonly reason = 'payload-too-large';
  readonly statusCode = 413;
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`webhook body is ${bytes} bytes, over GitHub's cap of ${limit} bytes; it did not come from GitHub`);
    this.name = 'GithubWebhookPayloadTooLargeError';
  }
}

/** No `X-Hub-Signature-256` header: the webhook has no secret configured, or the request is forged. */
export class GithubWebhookSignatureMissingError extends GithubWebhookRejectedError {
  readonly reason = 'signature-missing';
  readonly statusCode = 401;
  constructor() {
    super(
      'the X-Hub-Signature-256 header is missing; set the webhook secret in the GitHub webhook settings to the one Converge uses',
    );
    this.name = 'GithubWebhookSignatureMissingError';
  }
}

/** The signature does not match the body under any configured secret. */
export class GithubWebhookSignatureInvalidError extends GithubWebhookRejectedError {
  readonly reason = 'signature-invalid';
  readonly statusCode = 401;
  constructor() {
    super(
      'the X-Hub-Signature-256 signature does not match the body under any configured secret; check that GitHub and Converge share the same webhook secret',
    );
    this.name = 'GithubWebhookSignatureInvalidError';
  }
}

/** `X-GitHub-Event` or `X-GitHub-Delivery` is missing or not in the form GitHub sends. */
export class GithubWebhookHeaderInvalidError extends GithubWebhookRejectedError {
  readonly reason = 'header-invalid';
  readonly statusCode = 400;
  constructor(readonly header: string) {
    super(`the ${header} header is missing or malformed; GitHub sends it on every delivery`);
    this.name = 'GithubWebhookHeaderInvalidError';
  }
}

/** The signed body is not JSON, or lacks a field the event always has. */
export class GithubWebhookPayloadMalformedError extends GithubWebhookRejectedError {
  readonly reason = 'payload-malformed';
  readonly statusCode = 400;
  constructor(detail: string) {
    super(`webhook body is malformed: ${detail}; the webhook's content type must be application/json`);
    this.name = 'GithubWebhookPayloadMalformedError';
  }
}

/** Converge was started without a webhook secret. */
export class GithubWebhookConfigInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GithubWebhookConfigInvalidError';
  }
}
