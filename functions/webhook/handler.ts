import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
import { emitMetric, MetricName } from '../../shared/runtime/observability.ts';
import {
  type ReceiveWebhookDeps,
  receiveWebhook,
  type WebhookResult,
} from '../../shared/use-cases/receive-webhook.ts';
import { json, rawBody } from '../http-body.ts';

const REJECTED_STATUS = { signature: 401, malformed: 400, 'too-large': 413 } as const;

/** The HTTP answer for a webhook result: GitHub only needs to know it was taken (202) or why not. */
export function webhookStatus(result: WebhookResult): number {
  switch (result.outcome) {
    case 'accepted':
    case 'ignored':
      return 202;
    case 'duplicate':
      return 200;
    case 'rejected':
      return REJECTED_STATUS[result.problem];
  }
}

/** GitHub webhooks through a Lambda Function URL. */
export function webhookHandler(deps: ReceiveWebhookDeps) {
  return async function handleGithubWebhook(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
    if (event.requestContext?.http?.method && event.requestContext.http.method !== 'POST') {
      return json(405, { error: 'method-not-allowed', message: 'GitHub webhooks are POST requests.' });
    }
    const result = await receiveWebhook(deps, { headers: event.headers ?? {}, body: rawBody(event) });
    if (result.outcome === 'rejected')
      emitMetric(MetricName.WEBHOOKS_REJECTED, 1, { Reason: result.problem });
    return json(webhookStatus(result), result);
  };
}

export const handler = middy(webhookHandler(deps())).use(
  standardMiddleware({ functionName: 'webhook', http: true }),
);
