import { createHmac } from 'node:crypto';
import middy from '@middy/core';
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { webhookHandler } from '../functions/webhook/handler.ts';
import { verifyGithubWebhook } from '../shared/adapters/github/verify-github-webhook.ts';
import { MemoryCodeReview } from '../shared/adapters/memory/memory-code-review.ts';
import { standardMiddleware } from '../shared/runtime/middleware.ts';
import { createLogger, createMetrics } from '../shared/runtime/observability.ts';
import { recordedExample, signedDelivery } from '../test/support/github-delivery.ts';
import { testPolicy } from '../test/support/test-policy.ts';
import { context, functionUrlEvent } from '../test/unit/functions/lambda-events.ts';
import { pipeline, REV1, REV2 } from '../test/unit/use-cases/pipeline-fixture.ts';
import { type BenchSuite, QUICK } from './bench-suite.ts';

/**
 * The webhook function in process, behind its standard middleware, on a real push (a recorded
 * GitHub delivery grown with more commits to 25 KB) that touches one stack: signature check,
 * parse, dedupe, configuration read and one plan job queued, on in-memory adapters (so the figure
 * is Converge's own work, not the network's). The floor is what any receiver must do with the same
 * bytes: HMAC-SHA256 over them and JSON.parse. Each run is a fresh delivery to a fresh store, so
 * no run takes the cheaper duplicate path; building those is not timed.
 */

const SECRET = 'bench-webhook-secret';
const TARGET_BYTES = 25 * 1024;

function push25k(): unknown {
  const payload = recordedExample('push', (e) => e.ref === 'refs/heads/master');
  Object.assign(payload, { ref: 'refs/heads/main', before: REV1, after: REV2 });
  payload.commits[0].modified = ['stacks/network.yaml'];
  const template = payload.commits[0];
  // Ten commits (GitHub lists up to 20 in a push) with long messages, as a squashed release has.
  const paragraph = 'Bump the queue visibility timeout and document why the retry budget changed. ';
  for (let i = 1; i < 10; i++) {
    payload.commits.push({ ...template, id: `${i}`.padStart(40, 'c'), message: `change ${i}`, modified: [] });
  }
  for (let i = 0; JSON.stringify(payload).length < TARGET_BYTES; i = (i + 1) % 10) {
    payload.commits[i].message += `\n${paragraph}`;
  }
  return payload;
}

const payload = push25k();
const bytes = JSON.stringify(payload);
let delivery = 0;

function handlerOnFreshStore() {
  const p = pipeline();
  p.commit(REV1);
  p.commit(REV2);
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
  return { wrapped, queue: p.queue };
}

async function handleOnce(): Promise<{ elapsedMs: number }> {
  const { wrapped, queue } = handlerOnFreshStore();
  const event = functionUrlEvent(
    signedDelivery('push', payload, { secret: SECRET, deliveryId: `d-${++delivery}` }),
  );
  const start = performance.now();
  const answer = (await wrapped(event, context)) as LambdaFunctionURLResult;
  const elapsedMs = performance.now() - start;
  if (typeof answer === 'string' || answer.statusCode !== 202 || queue.jobs('plan').length !== 1) {
    throw new Error(`the webhook did not take the push: ${JSON.stringify(answer).slice(0, 300)}`);
  }
  return { elapsedMs };
}

export const suite: BenchSuite = {
  name: `webhook handler in process, ${(bytes.length / 1024).toFixed(0)} KB push`,
  baseline: 'HMAC-SHA256 + JSON.parse',
  budgetMs: QUICK ? 0 : 2_000,
  minSamples: 20,
  warmupRounds: 20,
  goals: { 'webhook handler (push -> plan job)': 3 },
  cases: {
    'HMAC-SHA256 + JSON.parse': () => {
      const digest = createHmac('sha256', SECRET).update(bytes).digest('hex');
      return [digest, JSON.parse(bytes)];
    },
    'webhook handler (push -> plan job)': () => handleOnce(),
  },
};
