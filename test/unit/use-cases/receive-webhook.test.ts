import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GithubWebhookSignatureInvalidError } from '../../../shared/adapters/github/github-webhook-errors.ts';
import { verifyGithubWebhook } from '../../../shared/adapters/github/verify-github-webhook.ts';
import { MemoryCodeReview } from '../../../shared/adapters/memory/memory-code-review.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { parsePolicy } from '../../../shared/domain/policy/parse-policy.ts';
import type { Job } from '../../../shared/ports/queue.ts';
import { httpErrorAnswer } from '../../../shared/runtime/errors.ts';
import { receiveWebhook } from '../../../shared/use-cases/webhook/receive-webhook.ts';
import { recordedExample, signedDelivery } from '../../support/github-delivery.ts';
import {
  awaitingApproval,
  convergeYaml,
  KEY,
  pipeline,
  REPOSITORY,
  REV1,
  REV2,
  STACK,
} from './pipeline-fixture.ts';

const SECRET = 'webhook-secret';
const REPO = 'Codertocat/Hello-World';

/** Serves the recorded payloads' repository and the fixture's, on main. */
const POLICY = parsePolicy(
  [
    'version: 1',
    'repositories:',
    `  ${REPO}: { branches: [main], stacks: ["*"] }`,
    `  ${REPOSITORY}: { branches: [main], stacks: ["*"] }`,
    'approvers: ["github:alice"]',
    '',
  ].join('\n'),
  { file: 'policy.yaml' },
);

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
  const codeReview = new MemoryCodeReview();
  const deps = {
    ...p.deps,
    source,
    policy: POLICY,
    codeReview,
    verify: (request: { headers: Record<string, string | undefined>; body: string }) =>
      verifyGithubWebhook({ secrets: SECRET, ...request }),
    settings: { ...p.deps.settings, deliveryTtlMs: 86_400_000 },
  };
  const deliver = (event: string, payload: unknown, deliveryId: string = randomUUID()) =>
    receiveWebhook(deps, signedDelivery(event, payload, { secret: SECRET, deliveryId }));
  /** Pull request `number` of the fixture's repository, merged into `revision`. */
  const merged = (number: number, revision: string) =>
    codeReview.pullRequests.set(`${REPOSITORY}#${number}`, {
      number,
      author: 'bob',
      headSha: REV2,
      baseSha: REV1,
      baseRef: 'main',
      fork: false,
      merged: true,
      mergeCommitSha: revision,
    });
  return { ...p, deps, deliver, compared, codeReview, merged };
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
    w.commit(REV2, { 'stacks/network.yaml': 'Resources:\n  Queue: { Type: AWS::SQS::Queue }\n' });
    const payload = push(['README.md']);
    payload.commits = Array.from({ length: 20 }, () => ({ added: [], modified: ['README.md'], removed: [] }));
    expect(await w.deliver('push', payload)).toMatchObject({ jobs: 1 });
    expect(w.compared).toEqual([{ base: REV1, head: REV2 }]);
  });

  it('ignores a push to a branch the policy does not track, whatever its converge.yaml says', async () => {
    const w = setup();
    w.commit(REV2, { 'converge.yaml': convergeYaml().replace('branch: main', 'branch: feature') });
    const payload = push();
    payload.ref = 'refs/heads/feature';
    expect(await w.deliver('push', payload)).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('refs/heads/feature is not a branch the control-plane policy'),
    });
    expect(w.queue.sent).toEqual([]);
  });

  it('attributes a push to the authenticated pusher and the merged pull request’s people, never head_commit.author', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources:\n  Queue: { Type: AWS::SQS::Queue }\n' });
    const payload = push();
    payload.repository.full_name = REPOSITORY;
    payload.head_commit.author.username = 'alice';
    payload.sender.login = 'Mallory';
    w.merged(7, REV2);
    w.codeReview.authorsOfCommits.set(`${REPOSITORY}#7`, ['carol']);
    await w.deliver('push', payload);
    expect(w.queue.jobs('plan')).toEqual([
      expect.objectContaining({ author: 'mallory', authors: ['mallory', 'codertocat', 'bob', 'carol'] }),
    ]);
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

  it('tells every problem of a pushed converge.yaml and the files it names, once, queuing nothing', async () => {
    const w = setup();
    w.commit(REV2, {
      'converge.yaml':
        'version: 1\ndefaults: { region: eu-west-1, colour: blue }\nstacks:\n  - name: a\n    template: stacks/missing.yaml\n',
    });
    const payload = push();
    const answer = await w.deliver('push', payload);
    expect(answer).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('2 problems') });
    expect(w.notifier.configurationProblems).toEqual([
      {
        repository: REPO,
        revision: REV2,
        ref: 'refs/heads/main',
        file: 'converge.yaml',
        issues: [
          expect.objectContaining({ file: 'converge.yaml', line: 2, path: ['defaults', 'colour'] }),
          expect.objectContaining({ file: 'converge.yaml', line: 5, path: ['stacks', 0, 'template'] }),
        ],
      },
    ]);
    // The same push again (a redelivery) is a duplicate: nobody is told twice.
    expect(await w.deliver('push', payload)).toMatchObject({ outcome: 'duplicate' });
    expect(w.notifier.configurationProblems).toHaveLength(1);
    expect(w.queue.sent).toEqual([]);
  });

  it('refuses a bad signature with a 401 error, queuing and writing nothing', async () => {
    const w = setup();
    w.commit(REV2);
    const delivery = signedDelivery('push', push(), { secret: 'wrong', deliveryId: 'd-1' });
    const error = await receiveWebhook(w.deps, delivery).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubWebhookSignatureInvalidError);
    expect(httpErrorAnswer(error).statusCode).toBe(401);
    expect(w.queue.sent).toEqual([]);
    expect(await w.store.listAudit('webhook#github')).toEqual([]);
    expect(await w.store.recordDelivery('d-1', w.clock.now(), 1000)).toBe(true);
  });

  it('refuses a signed body that is not JSON with a 400 error', async () => {
    const w = setup();
    const delivery = signedDelivery('push', 'x', { secret: SECRET, deliveryId: 'd-2' });
    const body = 'not json';
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const headers = { ...delivery.headers, 'X-Hub-Signature-256': signature };
    const error = await receiveWebhook(w.deps, { headers, body }).catch((e: unknown) => e);
    expect(httpErrorAnswer(error)).toMatchObject({
      statusCode: 400,
      error: 'GithubWebhookPayloadMalformedError',
    });
  });

  it('queues preview jobs for an opened pull request', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources:\n  Queue: { Type: AWS::SQS::Queue }\n' });
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

  it('tells the problems of a pull request head on the pull request, previewing nothing', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    const payload = recordedExample('pull_request', (e) => e.action === 'opened');
    Object.assign(payload.pull_request.base, { ref: 'main', sha: REV1 });
    payload.pull_request.head.sha = REV2;
    expect(await w.deliver('pull_request', payload)).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('stacks/network.yaml:1:'),
    });
    expect(w.notifier.configurationProblems).toEqual([
      expect.objectContaining({
        revision: REV2,
        ref: `refs/pull/${payload.number}/head`,
        pullRequest: payload.number,
        issues: [expect.objectContaining({ file: 'stacks/network.yaml' })],
      }),
    ]);
    expect(w.queue.sent).toEqual([]);
  });

  it('does not preview a pull request from a fork unless the policy allows it', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources:\n  Queue: { Type: AWS::SQS::Queue }\n' });
    const payload = recordedExample('pull_request', (e) => e.action === 'opened');
    Object.assign(payload.pull_request.base, { ref: 'main', sha: REV1 });
    payload.pull_request.head.sha = REV2;
    payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: 'mallory/Hello-World' };
    expect(await w.deliver('pull_request', payload)).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('fork'),
    });
    expect(w.queue.sent).toEqual([]);

    const allowing = { ...w.deps, policy: { ...POLICY, forks: { previews: true } } };
    await receiveWebhook(
      allowing,
      signedDelivery('pull_request', payload, { secret: SECRET, deliveryId: 'f-2' }),
    );
    expect(w.queue.jobs('plan')).toEqual([expect.objectContaining({ kind: 'preview', fork: true })]);
  });

  it('does not preview a pull request into a branch the policy does not track', async () => {
    const w = setup();
    w.commit(REV2);
    const payload = recordedExample('pull_request', (e) => e.action === 'opened');
    Object.assign(payload.pull_request.base, { ref: 'release', sha: REV1 });
    payload.pull_request.head.sha = REV2;
    expect(await w.deliver('pull_request', payload)).toMatchObject({ outcome: 'ignored' });
    expect(w.queue.sent).toEqual([]);
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

  it('counts an approving review on the merged pull request as a vote by github:<login>', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('pull_request_review');
    Object.assign(payload, { action: 'submitted' });
    Object.assign(payload.review, { state: 'approved', commit_id: REV1 });
    payload.repository.full_name = deployment.repository;
    w.merged(payload.pull_request.number, deployment.revision);
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

  it('counts no review on a pull request that did not produce the revision', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('pull_request_review');
    Object.assign(payload, { action: 'submitted' });
    Object.assign(payload.review, { state: 'approved', commit_id: deployment.revision });
    payload.repository.full_name = deployment.repository;
    expect(await w.deliver('pull_request_review', payload)).toMatchObject({ outcome: 'ignored' });
    w.merged(payload.pull_request.number, REV2);
    expect(await w.deliver('pull_request_review', payload)).toMatchObject({ outcome: 'ignored' });
    expect(await w.store.listApprovals(deployment.id)).toEqual([]);
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

  it('counts "/converge approve <stack>" on the merged pull request as a vote', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    payload.comment.body = `/converge approve ${STACK}`;
    payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/1' };
    payload.repository.full_name = deployment.repository;
    w.merged(payload.issue.number, deployment.revision);
    expect(await w.deliver('issue_comment', payload)).toEqual({ outcome: 'accepted', jobs: 0, votes: 1 });
    expect((await w.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
  });

  it('replies instead of voting on "/converge approve <stack>" on another pull request', async () => {
    const w = setup();
    const deployment = await awaitingApproval(w);
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    payload.comment.body = `/converge approve ${STACK}`;
    payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/1' };
    payload.repository.full_name = deployment.repository;
    expect(await w.deliver('issue_comment', payload)).toMatchObject({ outcome: 'ignored' });
    expect(w.codeReview.replies).toEqual([
      expect.objectContaining({
        pullRequest: payload.issue.number,
        body: expect.stringContaining('not merged'),
      }),
    ]);
    expect(await w.store.listApprovals(deployment.id)).toEqual([]);
  });

  it('queues "/converge plan" only for people with write access', async () => {
    const w = setup();
    w.commit(REV1);
    w.commit(REV2, { 'stacks/network.yaml': 'Resources:\n  Queue: { Type: AWS::SQS::Queue }\n' });
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    payload.comment.body = '/converge plan';
    payload.issue.pull_request = { url: 'https://api.github.com/repos/x/y/pulls/1' };
    payload.repository.full_name = REPOSITORY;
    w.codeReview.pullRequests.set(`${REPOSITORY}#${payload.issue.number}`, {
      number: payload.issue.number,
      headSha: REV2,
      baseSha: REV1,
      baseRef: 'main',
      fork: false,
      merged: false,
    });
    expect(await w.deliver('issue_comment', payload)).toMatchObject({ outcome: 'ignored' });
    expect(w.codeReview.replies.at(-1)?.body).toContain('needs write access');
    expect(w.queue.sent).toEqual([]);

    w.codeReview.permissions.set(`${REPOSITORY}@${payload.comment.user.login}`, 'write');
    expect(await w.deliver('issue_comment', payload)).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(w.queue.jobs('plan')).toEqual([expect.objectContaining({ kind: 'preview', revision: REV2 })]);
  });

  it('ignores an ordinary comment', async () => {
    const w = setup();
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    expect(await w.deliver('issue_comment', payload)).toMatchObject({ outcome: 'ignored' });
  });

  it('ignores a repository the policy does not serve, writing nothing', async () => {
    const w = setup();
    w.commit(REV2);
    const payload = push();
    payload.repository.full_name = 'acme/other';
    const result = await w.deliver('push', payload, 'r-1');
    expect(result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('acme/other') });
    expect(w.queue.sent).toEqual([]);
    expect(await w.store.recordDelivery('r-1', w.clock.now(), 1000)).toBe(true);
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
