import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyGithubWebhook } from '../../../shared/adapters/github/verify-github-webhook.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import type { Job } from '../../../shared/ports/queue.ts';
import { httpErrorAnswer } from '../../../shared/runtime/errors.ts';
import { receiveWebhook } from '../../../shared/use-cases/receive-webhook.ts';
import { recordedExample, signedDelivery } from '../../support/github-delivery.ts';
import { awaitingApproval, convergeYaml, KEY, pipeline, REV1, REV2, STACK } from './pipeline-fixture.ts';

const SECRET = 'webhook-secret';
const REPO = 'Codertocat/Hello-World';

function setup() {
  const p = pipeline();
  const compared: { base: string | undefined; head: string }[] = [];
  const changedPaths = p.source.changedPaths.bind(p.source);
  const source = Object.assign(Object.create(p.source), {
    changedPaths: async (repository: string, base: string | undefined, head: string) => {
      compared.push({ base, head });
      return changedPaths(repository, base, head);
    },
  });
  const deps = {
    ...p.deps,
    source,
    verify: (request: { headers: Record<string, string | undefined>; body: string }) =>
      verifyGithubWebhook({ secrets: SECRET, ...request }),
    settings: { ...p.deps.settings, deliveryTtlMs: 86_400_000 },
  };
  const deliver = (event: string, payload: unknown, deliveryId: string = randomUUID()) =>
    receiveWebhook(deps, signedDelivery(event, payload, { secret: SECRET, deliveryId }));
  return { ...p, deps, deliver, compared };
}

/** The recorded push to a branch, moved to `main` and to revisions the fixture committed. */
function push(files: string[] = ['stacks/network.yaml']) {
  const payload = recordedExample('push', (e) => e.ref === 'refs/heads/master');
  payload.ref = 'refs/heads/main';
  payload.before = REV1;
  payload.after = REV2;
  payload.commits[0].added = [];
  payload.commits[0].modified = files;
  return payload;
}

describe('receiveWebhook', () => {
  it('queues one plan job per affected stack, grouped by stack, at the pushed revision', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2);
    const result = await w.deliver('push', push());
    expect(result).toEqual({ outcome: 'accepted', jobs: 1, votes: 0 });
    expect(w.queue.sent).toEqual([
      {
        job: expect.objectContaining({
          type: 'plan',
          kind: 'deploy',
          repository: REPO,
          revision: REV2,
          stackName: STACK,
          stackKey: KEY,
        }),
        group: KEY,
        dedupeId: expect.any(String),
      },
    ]);
  });

  it('queues nothing for a push that touches no stack', async () => {
    const w = setup();
    w.commit(REV2);
    expect(await w.deliver('push', push(['README.md']))).toEqual({ outcome: 'accepted', jobs: 0, votes: 0 });
    expect(w.queue.sent).toEqual([]);
  });

  it('does nothing for a redelivered delivery', async () => {
    const w = setup();
    w.commit(REV2);
    await w.deliver('push', push(), 'delivery-1');
    const again = await w.deliver('push', push(), 'delivery-1');
    expect(again.outcome).toBe('duplicate');
    expect(w.queue.sent).toHaveLength(1);
  });

  it('asks the compare API when the payload lists as many commits as GitHub caps it at', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    const payload = push(['README.md']);
    payload.commits = Array.from({ length: 20 }, () => ({ added: [], modified: ['README.md'], removed: [] }));
    expect(await w.deliver('push', payload)).toMatchObject({ jobs: 1 });
    expect(w.compared).toEqual([{ base: REV1, head: REV2 }]);
  });

  it('ignores a push to a branch Converge does not track', async () => {
    const w = setup();
    w.commit(REV2);
    const payload = push();
    payload.ref = 'refs/heads/feature';
    expect(await w.deliver('push', payload)).toMatchObject({ outcome: 'ignored' });
    expect(w.queue.sent).toEqual([]);
  });

  it('ignores a push whose converge.yaml cannot be used, queuing nothing', async () => {
    const w = setup();
    w.commit(REV2, { 'converge.yaml': 'version: 2\n' });
    expect(await w.deliver('push', push())).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('converge.yaml'),
    });
    expect(w.queue.sent).toEqual([]);
  });

  it('rejects a bad signature, queuing nothing and leaving an audit record', async () => {
    const w = setup();
    w.commit(REV2);
    const delivery = signedDelivery('push', push(), { secret: 'wrong', deliveryId: 'd-1' });
    expect(await receiveWebhook(w.deps, delivery)).toMatchObject({
      outcome: 'rejected',
      problem: 'signature',
    });
    expect(w.queue.sent).toEqual([]);
    expect(await w.store.listAudit('webhook#github')).toEqual([
      expect.objectContaining({ action: 'rejected' }),
    ]);
  });

  it('rejects a signed body that is not JSON as malformed', async () => {
    const w = setup();
    const delivery = signedDelivery('push', 'x', { secret: SECRET, deliveryId: 'd-2' });
    const result = await receiveWebhook(w.deps, { ...delivery, body: 'not json' });
    expect(result).toMatchObject({ outcome: 'rejected' });
  });

  it('queues preview jobs for an opened pull request', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    const payload = recordedExample('pull_request', (e) => e.action === 'opened');
    Object.assign(payload.pull_request.base, { ref: 'main', sha: REV1 });
    payload.pull_request.head.sha = REV2;
    expect(await w.deliver('pull_request', payload)).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(w.queue.jobs('plan')).toEqual([
      expect.objectContaining({
        kind: 'preview',
        revision: REV2,
        pullRequest: payload.number,
        stackKey: KEY,
      }),
    ]);
  });

  it('queues a cleanup job per stack when a pull request closes', async () => {
    const w = setup();
    w.commit(REV2);
    const payload = recordedExample('pull_request', (e) => e.action === 'closed');
    Object.assign(payload.pull_request.base, { ref: 'main', sha: REV1 });
    payload.pull_request.head.sha = REV2;
    await w.deliver('pull_request', payload);
    expect(w.queue.jobs('cleanup-preview')).toEqual([
      { type: 'cleanup-preview', repository: REPO, pullRequest: payload.number, stackKey: KEY },
    ]);
  });

  it('counts an approving review as a vote by github:<login>', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('pull_request_review');
    Object.assign(payload, { action: 'submitted' });
    Object.assign(payload.review, { state: 'approved', commit_id: REV1 });
    payload.repository.full_name = deployment.repository;
    expect(await w.deliver('pull_request_review', payload)).toEqual({
      outcome: 'accepted',
      jobs: 0,
      votes: 1,
    });
    expect((await w.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
    expect(await w.store.listApprovals(deployment.id)).toEqual([
      expect.objectContaining({ approver: 'github:codertocat' }),
    ]);
  });

  it('ignores a review that only comments', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('pull_request_review');
    Object.assign(payload.review, { commit_id: REV1 });
    payload.repository.full_name = deployment.repository;
    expect(await w.deliver('pull_request_review', payload)).toMatchObject({ outcome: 'ignored' });
    expect(await w.store.listApprovals(deployment.id)).toEqual([]);
  });

  it('counts "/converge approve <stack>" on a pull request as a vote', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    payload.comment.body = `/converge approve ${STACK}`;
    payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/1' };
    payload.repository.full_name = deployment.repository;
    expect(await w.deliver('issue_comment', payload)).toEqual({ outcome: 'accepted', jobs: 0, votes: 1 });
    expect((await w.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
  });

  it('ignores an ordinary comment', async () => {
    const w = setup();
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    expect(await w.deliver('issue_comment', payload)).toMatchObject({ outcome: 'ignored' });
  });

  it('ignores a repository Converge is not set up for', async () => {
    const w = setup();
    w.commit(REV2);
    const deps = { ...w.deps, settings: { ...w.deps.settings, repositories: ['acme/other'] } };
    const result = await receiveWebhook(
      deps,
      signedDelivery('push', push(), { secret: SECRET, deliveryId: 'r-1' }),
    );
    expect(result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(REPO) });
    expect(w.queue.sent).toEqual([]);
  });

  it('ignores events it has no use for', async () => {
    const w = setup();
    expect(await w.deliver('issues', recordedExample('issues'))).toMatchObject({ outcome: 'ignored' });
  });

  describe('when queueing fails part-way (nothing accepted is lost)', () => {
    /** The webhook whose queue refuses its `failing`-th send, once, as SQS would on an outage. */
    function withFlakyQueue(failing: number) {
      const w = setup();
      let sends = 0;
      const queue = {
        send: async (job: Job, options: { group: string; dedupeId: string }) => {
          sends += 1;
          if (sends === failing) throw new Error('SQS is unavailable');
          await w.queue.send(job, options);
        },
      };
      const deps = { ...w.deps, queue };
      const deliver = (payload: unknown, deliveryId: string) =>
        receiveWebhook(deps, signedDelivery('push', payload, { secret: SECRET, deliveryId }));
      return { ...w, deliver };
    }

    /** REV2 with a second stack, so one delivery queues two jobs. */
    const TWO_STACKS = {
      'converge.yaml': `${convergeYaml()}  - name: cache-prod\n    template: stacks/network.yaml\n    parameters: stacks/network.prod.json\n`,
    };

    it('answers 500 and forgets the delivery, so the redelivery queues its job', async () => {
      const w = withFlakyQueue(1);
      w.commit(REV2);
      const failed = await w.deliver(push(), 'delivery-1').catch((error: unknown) => error);
      expect(httpErrorAnswer(failed).statusCode).toBe(500);
      expect(w.queue.sent).toEqual([]);

      expect(await w.deliver(push(), 'delivery-1')).toEqual({ outcome: 'accepted', jobs: 1, votes: 0 });
      expect(w.queue.sent.map((entry) => entry.job)).toEqual([expect.objectContaining({ stackKey: KEY })]);
    });

    it('queues each job exactly once when the redelivery re-sends a job that was queued', async () => {
      const w = withFlakyQueue(2);
      w.commit(REV1);
      w.commit(REV2, TWO_STACKS);
      const payload = push(['stacks/network.yaml']);
      await expect(w.deliver(payload, 'delivery-1')).rejects.toThrow('SQS is unavailable');
      expect(w.queue.sent).toHaveLength(1);

      expect(await w.deliver(payload, 'delivery-1')).toEqual({ outcome: 'accepted', jobs: 2, votes: 0 });
      const stacks = w.queue.sent.map((entry) => (entry.job as { stackName: string }).stackName);
      expect(stacks.sort()).toEqual(['cache-prod', STACK]);
    });

    it('still drops a redelivery once every job was queued', async () => {
      const w = withFlakyQueue(2);
      w.commit(REV2);
      await w.deliver(push(), 'delivery-1');
      expect(await w.deliver(push(), 'delivery-1')).toMatchObject({ outcome: 'duplicate' });
      expect(w.queue.sent).toHaveLength(1);
    });
  });
});
