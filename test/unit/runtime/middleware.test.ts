import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { standardMiddleware } from '../../../shared/runtime/middleware.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { captureOutput, jsonLines } from './capture-output.ts';

class WebhookSignatureInvalidError extends Error {
  readonly statusCode = 401;
  readonly reason = 'signature-invalid';
  constructor() {
    super('The X-Hub-Signature-256 header does not match the body; check the webhook secret');
    this.name = 'WebhookSignatureInvalidError';
  }
}

const context = {
  awsRequestId: 'req-123',
  functionName: 'converge-webhook',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:converge-webhook',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function wrap(
  fail: () => never,
  http: boolean,
  observability = { logger: createLogger(), metrics: createMetrics() },
) {
  return middy(async (): Promise<unknown> => fail()).use(
    standardMiddleware({ functionName: 'webhook', http, ...observability }),
  );
}

async function invoke(
  handler: ReturnType<typeof wrap>,
): Promise<{ result: unknown; error: unknown; output: string }> {
  let result: unknown;
  let error: unknown;
  const output = await captureOutput(async () => {
    try {
      result = await handler({}, context);
    } catch (e) {
      error = e;
    }
  });
  return { result, error, output };
}

describe('standardMiddleware (http)', () => {
  it('answers a typed error with its status and a JSON body, and does not count it as an error', async () => {
    const { result, output } = await invoke(
      wrap(() => {
        throw new WebhookSignatureInvalidError();
      }, true),
    );
    expect(result).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: 'WebhookSignatureInvalidError',
        message: 'The X-Hub-Signature-256 header does not match the body; check the webhook secret',
      }),
    });
    expect(jsonLines(output).some((r) => 'Errors' in r)).toBe(false);
  });

  it('counts each refused request as WebhooksRejected{Reason} and logs only a sample of them', async () => {
    const handler = wrap(
      () => {
        throw new WebhookSignatureInvalidError();
      },
      true,
      { logger: createLogger(), metrics: createMetrics() },
    );
    const outputs = [];
    for (let i = 0; i < 5; i++) outputs.push((await invoke(handler)).output);
    const lines = outputs.flatMap((output) => jsonLines(output));
    expect(
      lines.filter((r) => r.WebhooksRejected === 1 && r.Reason === 'WebhookSignatureInvalidError'),
    ).toHaveLength(5);
    expect(lines.filter((r) => r.message === 'Request rejected')).toHaveLength(1);
  });

  it('answers an unexpected error with 500, no stack and no detail, and counts Errors{Function}', async () => {
    const { result, output } = await invoke(
      wrap(() => {
        throw new Error('connect ECONNREFUSED 10.0.0.1:443 at internal/secret/path.ts');
      }, true),
    );
    const response = result as { statusCode: number; body: string };
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      error: 'InternalError',
      message: 'Converge could not handle the request; see the function logs for request req-123.',
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    const errorMetric = jsonLines(output).find((r) => 'Errors' in r);
    expect(errorMetric).toMatchObject({ Errors: 1, Function: 'webhook', service: 'converge' });
  });
});

describe('standardMiddleware (event-driven)', () => {
  it('logs and rethrows, so the queue or EventBridge retries', async () => {
    const failure = new Error('boom');
    const { error, output } = await invoke(
      wrap(() => {
        throw failure;
      }, false),
    );
    expect(error).toBe(failure);
    const logged = jsonLines(output).find((r) => r.message === 'Invocation failed');
    expect(logged).toMatchObject({ level: 'ERROR', function_request_id: 'req-123' });
  });
});
