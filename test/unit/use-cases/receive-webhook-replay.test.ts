import { describe, expect, it } from 'vitest';
import { verifyGithubWebhook } from '../../../shared/adapters/github/verify-github-webhook.ts';
import { MemoryCodeReview } from '../../../shared/adapters/memory/memory-code-review.ts';
import type { Job } from '../../../shared/ports/queue.ts';
import { receiveWebhook } from '../../../shared/use-cases/webhook/receive-webhook.ts';
import { recordedExample, signedDelivery } from '../../support/github-delivery.ts';
import { testPolicy } from '../../support/test-policy.ts';
import { pipeline, REV1, REV2, REV3 } from './pipeline-fixture.ts';

const SECRET = 'webhook-secret';

/** The webhook on in-memory adapters; `failSends` makes the queue refuse that many sends first. */
function setup(failSends = 0) {
  const p = pipeline();
  let refusals = failSends;
  const queue = {
    send: async (job: Job, options: { group: string; dedupeId: string }) => {
      if (refusals-- > 0) throw new Error('SQS is unavailable');
      await p.queue.send(job, options);
    },
  };
  const deps = {
    ...p.deps,
    queue,
    policy: testPolicy(['Codertocat/Hello-World']),
    codeReview: new MemoryCodeReview(),
    verify: (request: { headers: Record<string, string | undefined>; body: string }) =>
      verifyGithubWebhook({ secrets: SECRET, ...request }),
    settings: { ...p.deps.settings, deliveryTtlMs: 86_400_000 },
  };
  const deliver = (payload: unknown, deliveryId: string) =>
    receiveWebhook(deps, signedDelivery('push', payload, { secret: SECRET, deliveryId }));
  return { ...p, deliver };
}

/** The recorded push, moved to `main` from `before` to `after`. */
function push(before: string, after: string) {
  const payload = recordedExample('push', (e) => e.ref === 'refs/heads/master');
  payload.ref = 'refs/heads/main';
  payload.before = before;
  payload.after = after;
  payload.commits[0].added = [];
  payload.commits[0].modified = ['stacks/network.yaml'];
  return payload;
}

describe('receiveWebhook of a replayed push', () => {
  it('answers a push already taken "duplicate" under a new delivery id, queuing nothing', async () => {
    const w = setup();
    w.commit(REV2);
    expect(await w.deliver(push(REV1, REV2), 'delivery-1')).toMatchObject({ outcome: 'accepted', jobs: 1 });
    const replay = await w.deliver(push(REV1, REV2), 'delivery-2');
    expect(replay).toMatchObject({ outcome: 'duplicate', reason: expect.stringContaining('push') });
    expect(w.queue.sent).toHaveLength(1);
  });

  it('takes another push to the same commit (another before), which Git history then orders', async () => {
    const w = setup();
    w.commit(REV2);
    await w.deliver(push(REV1, REV2), 'delivery-1');
    expect(await w.deliver(push(REV3, REV2), 'delivery-2')).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(w.queue.sent).toHaveLength(2);
  });

  it('forgets a push whose jobs were not queued, so a redelivery under a new id plans it', async () => {
    const w = setup(1);
    w.commit(REV2);
    await expect(w.deliver(push(REV1, REV2), 'delivery-1')).rejects.toThrow('SQS is unavailable');
    expect(w.queue.sent).toEqual([]);
    expect(await w.deliver(push(REV1, REV2), 'delivery-2')).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(w.queue.sent).toHaveLength(1);
  });
});
