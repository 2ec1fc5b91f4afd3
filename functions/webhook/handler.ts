import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { RequestRejectedError } from '../../shared/ports/request-rejected-error.ts';
import { type ReceiveWebhookDeps, receiveWebhook } from '../../shared/use-cases/webhook/receive-webhook.ts';
import { json, rawBody } from '../http-body.ts';

/**
 * GitHub webhooks through a Lambda Function URL. GitHub only needs to know the delivery was taken
 * (202, 200 for a redelivery); a refused request throws and the middleware answers it with the
 * status the error carries (401, 400, 413).
 */
export function webhookHandler(deps: ReceiveWebhookDeps) {
  return async function handleGithubWebhook(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
    if (event.requestContext?.http?.method && event.requestContext.http.method !== 'POST') {
      throw new WebhookMethodNotAllowedError(event.requestContext.http.method);
    }
    const result = await receiveWebhook(deps, { headers: event.headers ?? {}, body: rawBody(event) });
    return json(result.outcome === 'duplicate' ? 200 : 202, result);
  };
}

/** Anything but POST: GitHub only POSTs deliveries. */
export class WebhookMethodNotAllowedError extends RequestRejectedError {
  readonly reason = 'method-not-allowed';
  readonly statusCode = 405;
  constructor(method: string) {
    super(`GitHub webhooks are POST requests; got ${method}.`);
    this.name = 'WebhookMethodNotAllowedError';
  }
}
