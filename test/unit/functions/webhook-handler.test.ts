import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { webhookHandler } from '../../../functions/webhook/handler.ts';
import { verifyGithubWebhook } from '../../../shared/adapters/github/verify-github-webhook.ts';
import { MemoryCodeReview } from '../../../shared/adapters/memory/memory-code-review.ts';
import { standardMiddleware } from '../../../shared/runtime/middleware.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { recordedExample, signedDelivery } from '../../support/github-delivery.ts';
import { testPolicy } from '../../support/test-policy.ts';
import { pipeline, REV1, REV2 } from '../use-cases/pipeline-fixture.ts';
import { context, functionUrlEvent } from './lambda-events.ts';

const SECRET = 'webhook-secret';

function setup() {
  const p = pipeline();
  p.commit(REV1);
  p.commit(REV2);
  // As deployed: behind the standard middleware, which answers refused requests.
  const wrapped = middy(
    webhookHandler({
      ...p.deps,
      policy: testPolicy(['Codertocat/Hello-World']),
      codeReview: new MemoryCodeReview(),
      verify: (request) => verifyGithubWebhook({ secrets: SECRET, ...request }),
      settings: { ...p.deps.settings, deliveryTtlMs: 86_400_000 },
    }),
  ).use(
    standardMiddleware({
      functionName: 'webhook',
      http: true,
      logger: createLogger(),
      metrics: createMetrics(),
    }),
  );
  const handle = (event: LambdaFunctionURLEvent) =>
    wrapped(event, context) as Promise<LambdaFunctionURLResult>;
  return { ...p, handle };
}

function push() {
  const payload = recordedExample('push', (e) => e.ref === 'refs/heads/master');
  Object.assign(payload, { ref: 'refs/heads/main', before: REV1, after: REV2 });
  payload.commits[0].modified = ['stacks/network.yaml'];
  return payload;
}

describe('webhook handler', () => {
  it('answers 202 and queues the plan for a signed push', async () => {
    const w = setup();
    const response = await w.handle(
      functionUrlEvent(signedDelivery('push', push(), { secret: SECRET, deliveryId: 'a-1' })),
    );
    expect(response).toMatchObject({ statusCode: 202 });
    expect(w.queue.jobs('plan')).toHaveLength(1);
  });

  it('reads a base64-encoded body as Lambda hands it over', async () => {
    const w = setup();
    const event = functionUrlEvent({
      ...signedDelivery('push', push(), { secret: SECRET, deliveryId: 'a-2' }),
      base64: true,
    });
    expect(await w.handle(event)).toMatchObject({ statusCode: 202 });
  });

  it('answers 200 to a redelivery and queues nothing more', async () => {
    const w = setup();
    const event = functionUrlEvent(signedDelivery('push', push(), { secret: SECRET, deliveryId: 'a-3' }));
    await w.handle(event);
    expect(await w.handle(event)).toMatchObject({ statusCode: 200 });
    expect(w.queue.sent).toHaveLength(1);
  });

  it('answers 401 to a bad signature', async () => {
    const w = setup();
    const response = await w.handle(
      functionUrlEvent(signedDelivery('push', push(), { secret: 'other', deliveryId: 'a-4' })),
    );
    expect(response).toMatchObject({ statusCode: 401 });
    expect(JSON.parse(String((response as { body?: string }).body))).toMatchObject({
      error: 'GithubWebhookSignatureInvalidError',
    });
    expect(w.queue.sent).toEqual([]);
    expect(await w.store.listAudit('webhook#github')).toEqual([]);
  });

  it('answers 400 to a signed body that is not JSON', async () => {
    const w = setup();
    const signed = signedDelivery('push', push(), { secret: SECRET, deliveryId: 'a-5' });
    const body = 'payload=not-json';
    const { createHmac } = await import('node:crypto');
    const headers = {
      ...signed.headers,
      'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    };
    expect(await w.handle(functionUrlEvent({ headers, body }))).toMatchObject({ statusCode: 400 });
  });

  it('answers 413 to a body over GitHub’s size cap', async () => {
    const w = setup();
    const body = 'x'.repeat(25 * 1024 * 1024 + 1);
    const event = functionUrlEvent({
      headers: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'a-6', 'X-Hub-Signature-256': 'sha256=00' },
      body,
    });
    expect(await w.handle(event)).toMatchObject({ statusCode: 413 });
  });

  it('answers 405 to anything but POST', async () => {
    const w = setup();
    const event = functionUrlEvent({
      ...signedDelivery('push', push(), { secret: SECRET, deliveryId: 'a-7' }),
      method: 'GET',
    });
    expect(await w.handle(event)).toMatchObject({ statusCode: 405 });
  });

  it('answers 202 to a recorded event it has no use for', async () => {
    const w = setup();
    const event = functionUrlEvent(
      signedDelivery('issues', recordedExample('issues'), { secret: SECRET, deliveryId: 'a-8' }),
    );
    expect(await w.handle(event)).toMatchObject({ statusCode: 202 });
  });
});
