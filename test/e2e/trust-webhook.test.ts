import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castCliVote } from '../../cli/commands/approve.ts';
import { signedSlackClick } from '../../local/host/signed-slack-click.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { deps } from '../../shared/runtime/deps.ts';
import { recordedExample } from '../support/github-delivery.ts';
import {
  convergeYaml,
  type E2e,
  type E2eRepository,
  quiet,
  REGION,
  reaches,
  SECRETS,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

const REPOSITORIES = ['noise', 'branches', 'identity', 'people', 'comments', 'forks'];

/**
 * The control-plane policy of these tests: every repository on main, one Slack workspace, and
 * people who vote from Slack and GitHub. Each attack below is tried through the public edge
 * (signed webhooks, signed Slack clicks) beside the legitimate path.
 */
const POLICY = [
  'version: 1',
  'repositories:',
  ...REPOSITORIES.map((name) => `  acme/${name}: { branches: [main], stacks: ["*"] }`),
  'approvers: ["slack:U0APPROVER", "github:approver", "slack:U0ALICE", "github:alice", "slack:U0BOB", "github:bob"]',
  'people:',
  // The local cloud's STS names the CLI's caller after the access key id the host sets (local).
  '  alice: ["github:alice", "slack:U0ALICE", "aws:arn:aws:iam::000000000000:user/local"]',
  '  bob: ["github:bob", "slack:U0BOB"]',
  'slack: { teamId: T0LOCAL }',
  '',
].join('\n');

describe('the webhook and Slack edge under attack', () => {
  let e2e: E2e;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-trust-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    e2e = await startE2e(REPOSITORIES, { policyFile: join(dir, 'policy.yaml') });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Pushes files to main, sending the push as `pusher` with `headCommitAuthor` written into the commit. */
  async function pushAs(
    repo: E2eRepository,
    files: Record<string, string>,
    who: { pusher: string; headCommitAuthor?: string; ref?: string },
  ): Promise<{ sha: string; response: Response }> {
    const pushed = await repo.push(files, { send: false });
    const payload = JSON.parse(pushed.body);
    payload.ref = who.ref ?? 'refs/heads/main';
    payload.pusher = { name: who.pusher, email: `${who.pusher}@example.com` };
    payload.sender = { ...payload.sender, login: who.pusher };
    const author = who.headCommitAuthor ?? who.pusher;
    payload.head_commit.author = { name: author, email: `${author}@example.com`, username: author };
    return { sha: pushed.sha, response: await e2e.deliver('push', payload) };
  }

  /** A pull request comment, as GitHub sends it. */
  function comment(repository: string, pullRequest: number, login: string, body: string) {
    const payload = recordedExample('issue_comment', (e) => e.action === 'created');
    payload.repository.full_name = repository;
    payload.issue.number = pullRequest;
    payload.issue.pull_request = { url: `https://api.github.com/repos/${repository}/pulls/${pullRequest}` };
    payload.comment.user.login = login;
    payload.comment.body = body;
    return e2e.deliver('issue_comment', payload);
  }

  /** The pulls API's answer for a pull request of `repository`, merged into `mergeCommit` when given. */
  function pullRequest(
    repository: string,
    number: number,
    options: { author?: string; mergeCommit?: string; head?: string; headRepository?: string } = {},
  ) {
    return {
      number,
      user: { login: options.author ?? 'bob' },
      head: {
        sha: options.head ?? 'f'.repeat(40),
        ref: 'feature',
        repo: { full_name: options.headRepository ?? repository },
      },
      base: { sha: 'e'.repeat(40), ref: 'main', repo: { full_name: repository } },
      merged: options.mergeCommit !== undefined,
      merged_at: options.mergeCommit ? '2026-11-30T12:00:00Z' : null,
      merge_commit_sha: options.mergeCommit ?? null,
    };
  }

  const commentsOn = (repository: string, number: number) =>
    e2e.recorder
      .requestsTo('POST', `/repos/${repository}/issues/${number}/comments`)
      .map((r) => String((r.body as { body?: string }).body));

  async function approvals(deployment: Deployment) {
    return (await e2e.store.listApprovals(deployment.id)).map((a) => [a.approver, a.via]);
  }

  it('attack 9: refused webhooks and Slack requests write nothing to the table', async () => {
    const repo = e2e.repository('noise');
    const unsent = await repo.push(
      { 'converge.yaml': convergeYaml(['quiet-app']), 'stacks/quiet-app.yaml': template('v1') },
      { send: false },
    );
    const payload = JSON.parse(unsent.body);
    const dynamodb = new DynamoDBClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const scan = async () =>
      ((await dynamodb.send(new ScanCommand({ TableName: e2e.host.tableName }))).Items ?? [])
        .map((item) => JSON.stringify(item))
        .sort();
    const before = await scan();

    expect((await e2e.deliver('push', payload, { secret: 'not-the-secret' })).status).toBe(401);
    const unsigned = await fetch(`${e2e.host.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'n-1' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    expect((await e2e.deliver('push', { ...payload, after: undefined })).status).toBe(400);
    const oversized = await fetch(`${e2e.host.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: 'x'.repeat(6 * 1024 * 1024 + 1),
    });
    expect(oversized.status).toBe(413);
    const forgedClick = signedSlackClick({
      decision: 'approve',
      deploymentId: '01J00000000000000000000000',
      changeSetId: 'cs',
      userId: 'U0APPROVER',
      signingSecret: 'not-the-signing-secret',
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect((await fetch(`${e2e.host.url}/slack/actions`, { method: 'POST', ...forgedClick })).status).toBe(
      401,
    );

    expect(await scan()).toEqual(before);
    expect(SECRETS.slackSigningSecret).not.toBe('not-the-signing-secret');
  });

  it('attack 1: a push to refs/heads/bob/x whose converge.yaml says branch: bob/x plans nothing; main still deploys', async () => {
    const repo = e2e.repository('branches');
    const sneaky = await pushAs(
      repo,
      {
        'converge.yaml': convergeYaml(['sneaky-app']).replace('branch: main', 'branch: bob/x'),
        'stacks/sneaky-app.yaml': template('sneaky'),
      },
      { pusher: 'bob', ref: 'refs/heads/bob/x' },
    );
    expect(sneaky.response.status).toBe(202);
    expect(await sneaky.response.json()).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('refs/heads/bob/x is not a branch the control-plane policy'),
    });
    await quiet(e2e, 'sneaky-app');
    expect(await e2e.deployments('sneaky-app')).toEqual([]);

    const main = await pushAs(
      repo,
      { 'converge.yaml': convergeYaml(['main-app']), 'stacks/main-app.yaml': template('v1') },
      { pusher: 'alice' },
    );
    expect(main.response.status).toBe(202);
    const awaiting = await settled(e2e, 'main-app', ['AWAITING_APPROVAL']);
    expect(awaiting.revision).toBe(main.sha);
  });

  it('attack 5: a pusher who names someone else as head_commit author cannot approve their own change, from GitHub or Slack', async () => {
    const repo = e2e.repository('identity');
    const pushed = await pushAs(
      repo,
      { 'converge.yaml': convergeYaml(['selfish-app']), 'stacks/selfish-app.yaml': template('v1') },
      { pusher: 'bob', headCommitAuthor: 'alice' },
    );
    e2e.recorder.route('GET', '/repos/acme/identity/pulls/21', {
      body: pullRequest('acme/identity', 21, { author: 'bob', mergeCommit: pushed.sha }),
    });
    const awaiting = await settled(e2e, 'selfish-app', ['AWAITING_APPROVAL']);
    expect(awaiting.author).toBe('bob');
    expect(awaiting.authors).not.toContain('alice');

    // Bob approves on the merged pull request as github:bob: refused, with a reply.
    expect((await comment('acme/identity', 21, 'bob', '/converge approve selfish-app')).status).toBe(202);
    await e2e.waitFor(
      async () => commentsOn('acme/identity', 21),
      (c) => c.length > 0,
      'the reply to bob',
    );
    expect(commentsOn('acme/identity', 21)[0]).toMatch(/wrote this change/);
    // And as slack:U0BOB, the same person by the policy's people: refused too.
    expect((await e2e.click(awaiting, { userId: 'U0BOB' })).status).toBe(200);
    expect(await approvals(awaiting)).toEqual([]);
    expect((await e2e.store.getDeployment(awaiting.id))?.status).toBe('AWAITING_APPROVAL');

    // Alice, whom the commit named, is no author: her click deploys.
    expect((await e2e.click(awaiting, { userId: 'U0ALICE' })).status).toBe(200);
    expect((await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 5: a merge push makes the merged pull request’s author and commit authors authors too', async () => {
    const repo = e2e.repository('identity');
    const pushed = await repo.push(
      {
        'converge.yaml': convergeYaml(['selfish-app', 'merged-app']),
        'stacks/merged-app.yaml': template('v1'),
      },
      { send: false },
    );
    e2e.recorder.route('GET', `/repos/acme/identity/commits/${pushed.sha}/pulls`, {
      body: [
        {
          ...pullRequest('acme/identity', 22, { author: 'carol', mergeCommit: pushed.sha }),
          merged: undefined,
        },
      ],
    });
    e2e.recorder.route('GET', '/repos/acme/identity/pulls/22/commits', {
      body: [{ sha: 'a'.repeat(40), author: { login: 'bob' }, commit: { author: { name: 'Bob' } } }],
    });
    const payload = JSON.parse(pushed.body);
    payload.pusher = { name: 'approver', email: 'approver@example.com' };
    payload.sender = { ...payload.sender, login: 'approver' };
    expect((await e2e.deliver('push', payload)).status).toBe(202);

    const awaiting = await settled(e2e, 'merged-app', ['AWAITING_APPROVAL']);
    expect(awaiting.authors).toEqual(expect.arrayContaining(['approver', 'carol', 'bob']));
    expect((await e2e.click(awaiting, { userId: 'U0BOB' })).status).toBe(200);
    expect(await approvals(awaiting)).toEqual([]);
    await e2e.click(awaiting, { userId: 'U0ALICE' });
    expect((await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 5: one person voting from Slack and from GitHub counts once', async () => {
    const repo = e2e.repository('people');
    const yaml = convergeYaml(['twice-app'], '{ required: 2, autoApprove: never }');
    await pushAs(
      repo,
      { 'converge.yaml': yaml, 'stacks/twice-app.yaml': template('v1') },
      { pusher: 'carol' },
    );
    const first = await settled(e2e, 'twice-app', ['AWAITING_APPROVAL']);
    await e2e.click(first);
    await e2e.click(first, { userId: 'U0ALICE' });
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // The trusted rule now asks for two people.
    const second = await pushAs(repo, { 'stacks/twice-app.yaml': template('v2') }, { pusher: 'carol' });
    e2e.recorder.route('GET', '/repos/acme/people/pulls/51', {
      body: pullRequest('acme/people', 51, { author: 'carol', mergeCommit: second.sha }),
    });
    const awaiting = await e2e.waitFor(
      async () => (await e2e.deployments('twice-app')).find((d) => d.revision === second.sha),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the second revision to await approval',
    );
    await e2e.click(awaiting!, { userId: 'U0ALICE' });
    expect((await comment('acme/people', 51, 'alice', '/converge approve twice-app')).status).toBe(202);
    await e2e.waitFor(
      async () => commentsOn('acme/people', 51),
      (c) => c.length > 0,
      'the reply to alice',
    );
    expect(await approvals(awaiting!)).toEqual([['slack:U0ALICE', 'slack']]);
    expect((await e2e.store.getDeployment(awaiting!.id))?.status).toBe('AWAITING_APPROVAL');

    // A second person completes the quorum.
    await e2e.click(awaiting!);
    expect((await reaches(e2e, awaiting!.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 5: converge approve votes as the caller’s AWS principal, one person with their Slack identity', async () => {
    const repo = e2e.repository('people');
    const third = await pushAs(repo, { 'stacks/twice-app.yaml': template('v3') }, { pusher: 'carol' });
    const awaiting = await e2e.waitFor(
      async () => (await e2e.deployments('twice-app')).find((d) => d.revision === third.sha),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the third revision to await approval',
    );
    await e2e.click(awaiting!, { userId: 'U0ALICE' });
    const cli = await castCliVote(deps(), { deploymentId: awaiting!.id, decision: 'approve' });
    expect(cli).toMatchObject({
      outcome: 'refused',
      message: expect.stringContaining('a person counts once'),
    });
    expect(await approvals(awaiting!)).toEqual([['slack:U0ALICE', 'slack']]);

    await e2e.click(awaiting!);
    expect((await reaches(e2e, awaiting!.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 5: a click from another Slack workspace is refused; the policy’s workspace counts', async () => {
    const repo = e2e.repository('people');
    await pushAs(
      repo,
      { 'converge.yaml': convergeYaml(['twice-app', 'team-app']), 'stacks/team-app.yaml': template('v1') },
      { pusher: 'carol' },
    );
    const awaiting = await settled(e2e, 'team-app', ['AWAITING_APPROVAL']);
    expect((await e2e.click(awaiting, { teamId: 'T0EVIL' })).status).toBe(200);
    expect(await approvals(awaiting)).toEqual([]);
    expect((await e2e.store.getDeployment(awaiting.id))?.status).toBe('AWAITING_APPROVAL');

    await e2e.click(awaiting);
    expect((await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 6: /converge approve or an approving review on an unrelated pull request does not vote (a reply says why); on the merged one it does', async () => {
    const repo = e2e.repository('comments');
    const pushed = await pushAs(
      repo,
      { 'converge.yaml': convergeYaml(['app-b']), 'stacks/app-b.yaml': template('v1') },
      { pusher: 'carol' },
    );
    e2e.recorder.route('GET', '/repos/acme/comments/pulls/31', { body: pullRequest('acme/comments', 31) });
    e2e.recorder.route('GET', '/repos/acme/comments/pulls/32', {
      body: pullRequest('acme/comments', 32, { author: 'carol', mergeCommit: pushed.sha }),
    });
    const awaiting = await settled(e2e, 'app-b', ['AWAITING_APPROVAL']);

    const review = recordedExample('pull_request_review');
    Object.assign(review, { action: 'submitted' });
    Object.assign(review.review, { state: 'approved', commit_id: pushed.sha });
    review.review.user.login = 'approver';
    review.repository.full_name = 'acme/comments';
    review.pull_request.number = 31;
    expect(await (await e2e.deliver('pull_request_review', review)).json()).toMatchObject({
      outcome: 'ignored',
    });

    const unrelated = await comment('acme/comments', 31, 'approver', '/converge approve app-b');
    expect(await unrelated.json()).toMatchObject({ outcome: 'ignored' });
    expect(commentsOn('acme/comments', 31)).toEqual([expect.stringContaining('#31 is not merged')]);
    expect(await approvals(awaiting)).toEqual([]);

    const merged = await comment('acme/comments', 32, 'approver', '/converge approve app-b');
    expect(await merged.json()).toMatchObject({ outcome: 'accepted', votes: 1 });
    expect(await approvals(awaiting)).toEqual([['github:approver', 'github']]);
    expect((await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('attack 6: /converge plan from a user without write access is refused; a writer gets the preview', async () => {
    const repo = e2e.repository('comments');
    const base = await pushAs(
      repo,
      { 'stacks/app-c.yaml': template('v1'), 'converge.yaml': convergeYaml(['app-b', 'app-c']) },
      { pusher: 'carol' },
    );
    const head = await repo.repo.commit({
      files: { 'stacks/app-c.yaml': template('v2') },
      message: 'change app-c',
    });
    e2e.recorder.route('GET', '/repos/acme/comments/pulls/41', {
      body: {
        ...pullRequest('acme/comments', 41, { author: 'eve', head }),
        base: { sha: base.sha, ref: 'main', repo: { full_name: 'acme/comments' } },
      },
    });
    e2e.recorder.route('GET', '/repos/acme/comments/collaborators/eve/permission', {
      body: { permission: 'read', role_name: 'read' },
    });
    e2e.recorder.route('GET', '/repos/acme/comments/collaborators/writer/permission', {
      body: { permission: 'write', role_name: 'write' },
    });
    const previews = () => e2e.host.queues.plan.sentGroups.filter((group) => group.endsWith('/app-c')).length;
    await quiet(e2e, 'app-c');
    const planned = previews();

    const refused = await comment('acme/comments', 41, 'eve', '/converge plan');
    expect(await refused.json()).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('write access'),
    });
    expect(commentsOn('acme/comments', 41)).toEqual([expect.stringContaining('needs write access')]);
    expect(previews()).toBe(planned);

    const allowed = await comment('acme/comments', 41, 'writer', '/converge plan');
    expect(await allowed.json()).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(previews()).toBe(planned + 1);
  });

  it('attack 7: a pull request from a fork is not planned by default; one from the repository is', async () => {
    const repo = e2e.repository('forks');
    const base = await pushAs(
      repo,
      { 'converge.yaml': convergeYaml(['fork-app']), 'stacks/fork-app.yaml': template('v1') },
      { pusher: 'carol' },
    );
    const head = await repo.repo.commit({
      files: { 'stacks/fork-app.yaml': template('v2') },
      message: 'change fork-app',
    });
    const opened = (number: number, headRepository: string) => {
      const payload = recordedExample('pull_request', (e) => e.action === 'opened');
      payload.repository.full_name = 'acme/forks';
      payload.number = number;
      payload.pull_request.number = number;
      Object.assign(payload.pull_request.head, {
        sha: head,
        ref: 'feature',
        repo: { ...payload.pull_request.head.repo, full_name: headRepository },
      });
      Object.assign(payload.pull_request.base, {
        sha: base.sha,
        ref: 'main',
        repo: { ...payload.pull_request.base.repo, full_name: 'acme/forks' },
      });
      return e2e.deliver('pull_request', payload);
    };
    await quiet(e2e, 'fork-app');
    const queued = () =>
      e2e.host.queues.plan.sentGroups.filter((group) => group.endsWith('/fork-app')).length;
    const before = queued();

    const fork = await opened(61, 'mallory/forks');
    expect(await fork.json()).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('fork') });
    expect(queued()).toBe(before);

    const own = await opened(62, 'acme/forks');
    expect(await own.json()).toMatchObject({ outcome: 'accepted', jobs: 1 });
    expect(queued()).toBe(before + 1);
  });
});
