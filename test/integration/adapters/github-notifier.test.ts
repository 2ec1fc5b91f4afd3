import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PREVIEW_MARKER } from '../../../shared/adapters/github/build-preview-comment.ts';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import {
  GithubNotifier,
  type GithubNotifierOptions,
} from '../../../shared/adapters/github/github-notifier.ts';
import { CompositeNotifier } from '../../../shared/adapters/notify/composite-notifier.ts';
import { deploymentFixture } from '../../support/deployment-fixture.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const NEXT_SHA = 'a10867b14bb761a232cd80139fbd4c0d33264240';
let server: RecordingServer;

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function github(options: Partial<GithubNotifierOptions> = {}) {
  const octokit = createOctokit({
    baseUrl: server.url,
    auth: { type: 'token', token: 'ghs_test' },
    retries: 0,
    throttle: false,
  });
  return new GithubNotifier({ octokit, ...options });
}

const preview = (overrides = {}) =>
  deploymentFixture({ kind: 'preview', pullRequest: 7, status: 'AWAITING_APPROVAL', ...overrides });

type Body = Record<string, unknown>;

describe('GithubNotifier check runs', () => {
  it('creates a check run named after the stack on the revision', async () => {
    const refs = await github().deploymentChanged(
      deploymentFixture({ status: 'PLANNING' }),
      { event: 'planning' },
      undefined,
    );
    const [create] = server.requestsTo('POST', '/repos/acme/infra/check-runs');
    expect(create!.body).toMatchObject({
      name: 'converge/network-prod',
      head_sha: SHA,
      status: 'in_progress',
      external_id: 'dep-01HZX',
      output: { title: 'Planning: creating the change set' },
    });
    expect(refs).toEqual({ checkRunId: '1000' });
  });

  it('updates the same check run with the outcome', async () => {
    const notifier = github();
    const refs = await notifier.deploymentChanged(
      deploymentFixture({ status: 'EXECUTING' }),
      { event: 'x' },
      undefined,
    );
    await notifier.deploymentChanged(deploymentFixture({ status: 'FAILED' }), { event: 'rolled back' }, refs);
    const updates = server.requestsTo('PATCH', '/repos/acme/infra/check-runs/:id');
    expect(updates.map((r) => r.path)).toEqual(['/repos/acme/infra/check-runs/1000']);
    expect(updates[0]!.body).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(server.requestsTo('POST', '/repos/acme/infra/check-runs')).toHaveLength(1);
  });

  it('finds its check run again when the ref was lost', async () => {
    await github().deploymentChanged(deploymentFixture({ status: 'PLANNING' }), { event: 'x' }, undefined);
    const refs = await github().deploymentChanged(
      deploymentFixture({ status: 'SUCCEEDED' }),
      { event: 'x' },
      undefined,
    );
    expect(refs).toEqual({ checkRunId: '1000' });
    expect(server.requestsTo('POST', '/repos/acme/infra/check-runs')).toHaveLength(1);
    expect(server.requestsTo('GET', `/repos/acme/infra/commits/${SHA}/check-runs`)[1]!.query).toMatchObject({
      check_name: 'converge/network-prod',
    });
  });

  it('falls back to a commit status when the token may not create check runs', async () => {
    server.route('POST', '/repos/acme/infra/check-runs', {
      status: 403,
      body: { message: 'Resource not accessible by personal access token' },
    });
    const notifier = github();
    const refs = await notifier.deploymentChanged(
      deploymentFixture({ status: 'SUCCEEDED' }),
      {
        event: 'x',
        detailsUrl: 'https://converge.acme.test/d/dep-01HZX',
      },
      undefined,
    );
    await notifier.deploymentChanged(deploymentFixture({ status: 'SUCCEEDED' }), { event: 'x' }, refs);
    const statuses = server.requestsTo('POST', `/repos/acme/infra/statuses/${SHA}`);
    expect(statuses).toHaveLength(2);
    expect(statuses[0]!.body).toEqual({
      context: 'converge/network-prod',
      state: 'success',
      description: 'Deployed',
      target_url: 'https://converge.acme.test/d/dep-01HZX',
    });
    expect(server.requestsTo('POST', '/repos/acme/infra/check-runs')).toHaveLength(1);
  });

  it('uses only commit statuses when told to', async () => {
    await github({ commitChecks: 'status' }).deploymentChanged(
      deploymentFixture(),
      { event: 'x' },
      undefined,
    );
    expect(server.requestsTo('POST', `/repos/acme/infra/statuses/${SHA}`)[0]!.body).toMatchObject({
      state: 'pending',
    });
    expect(server.requestsTo('POST', '/repos/acme/infra/check-runs')).toHaveLength(0);
  });

  it('reports a refused check run when check runs were required', async () => {
    server.route('POST', '/repos/acme/infra/check-runs', { status: 403, body: { message: 'Forbidden' } });
    const outcome = await new CompositeNotifier([github({ commitChecks: 'check-run' })]).deploymentChanged(
      deploymentFixture(),
      { event: 'x' },
    );
    expect(outcome.failures).toEqual([expect.objectContaining({ channel: 'github', error: 'HttpError' })]);
    expect(server.requestsTo('POST', `/repos/acme/infra/statuses/${SHA}`)).toHaveLength(0);
  });
});

describe('GithubNotifier preview comments', () => {
  it('comments the preview on the pull request, with the marker first', async () => {
    const refs = await github().deploymentChanged(preview(), { event: 'planned' }, undefined);
    const [create] = server.requestsTo('POST', '/repos/acme/infra/issues/7/comments');
    const body = (create!.body as Body).body as string;
    expect(body.startsWith(`${PREVIEW_MARKER}\n<!-- converge:stack=default/eu-west-1/network-prod -->`)).toBe(
      true,
    );
    expect(body).toContain('| Remove | `OldQueue` | AWS::SQS::Queue |');
    expect(refs).toEqual({ checkRunId: '1000', commentId: '1001' });
  });

  it('edits the same comment on the next push instead of adding one', async () => {
    const first = await github().deploymentChanged(preview(), { event: 'planned' }, undefined);
    await github().deploymentChanged(
      preview({ id: 'dep-2', revision: NEXT_SHA }),
      { event: 'planned again' },
      {
        commentId: first!.commentId!,
      },
    );
    expect(server.requestsTo('POST', '/repos/acme/infra/issues/7/comments')).toHaveLength(1);
    const [update] = server.requestsTo('PATCH', '/repos/acme/infra/issues/comments/:id');
    expect(update!.path).toBe(`/repos/acme/infra/issues/comments/${first!.commentId}`);
    expect((update!.body as Body).body).toContain(NEXT_SHA.slice(0, 7));
  });

  it('finds its comment by the marker when the new push is a new deployment without refs', async () => {
    const first = await github().deploymentChanged(preview(), { event: 'planned' }, undefined);
    const second = await github().deploymentChanged(
      preview({ id: 'dep-2', revision: NEXT_SHA }),
      { event: 'x' },
      undefined,
    );
    expect(second!.commentId).toBe(first!.commentId);
    expect(server.requestsTo('POST', '/repos/acme/infra/issues/7/comments')).toHaveLength(1);
  });

  it('keeps one comment per stack', async () => {
    await github().deploymentChanged(preview(), { event: 'x' }, undefined);
    const other = preview({
      stack: { stackName: 'queue-prod', region: 'eu-west-1' },
      stackKey: 'default/eu-west-1/queue-prod',
    });
    await github().deploymentChanged(other, { event: 'x' }, undefined);
    expect(server.requestsTo('POST', '/repos/acme/infra/issues/7/comments')).toHaveLength(2);
  });

  it('never edits a comment that only quotes the marker', async () => {
    server.route('GET', '/repos/acme/infra/issues/7/comments', {
      body: [{ id: 55, body: `> ${PREVIEW_MARKER}\n<!-- converge:stack=default/eu-west-1/network-prod -->` }],
    });
    await github().deploymentChanged(preview(), { event: 'x' }, undefined);
    expect(server.requestsTo('PATCH', '/repos/acme/infra/issues/comments/55')).toHaveLength(0);
    expect(server.requestsTo('POST', '/repos/acme/infra/issues/7/comments')).toHaveLength(1);
  });

  it('deletes the stack’s preview comment when the pull request closes', async () => {
    const refs = await github().deploymentChanged(preview(), { event: 'x' }, undefined);
    const other = preview({
      stack: { stackName: 'queue-prod', region: 'eu-west-1' },
      stackKey: 'default/eu-west-1/queue-prod',
    });
    await github().deploymentChanged(other, { event: 'x' }, undefined);
    await github().pullRequestClosed({
      repository: 'acme/infra',
      pullRequest: 7,
      stackKey: 'default/eu-west-1/network-prod',
    });
    expect(server.requestsTo('DELETE', '/repos/acme/infra/issues/comments/:id').map((r) => r.path)).toEqual([
      `/repos/acme/infra/issues/comments/${refs!.commentId}`,
    ]);
  });

  it('deletes every preview comment of the pull request when no stack is named', async () => {
    await github().deploymentChanged(preview(), { event: 'x' }, undefined);
    const other = preview({
      stack: { stackName: 'queue-prod', region: 'eu-west-1' },
      stackKey: 'default/eu-west-1/queue-prod',
    });
    await github().deploymentChanged(other, { event: 'x' }, undefined);
    await github().pullRequestClosed({ repository: 'acme/infra', pullRequest: 7 });
    expect(server.requestsTo('DELETE', '/repos/acme/infra/issues/comments/:id')).toHaveLength(2);
  });

  it('creates a preview’s check run in progress, then completes it neutral with the change summary', async () => {
    const notifier = github();
    const planning = preview({ status: 'PLANNING', changeSet: undefined });
    const refs = await notifier.deploymentChanged(planning, { event: 'planning' }, undefined);
    // A preview stays PLANNING once planned; its change set summary is what says it is done.
    await notifier.deploymentChanged(preview({ status: 'PLANNING' }), { event: 'preview ready' }, refs);

    expect(server.requestsTo('POST', '/repos/acme/infra/check-runs')[0]!.body).toMatchObject({
      status: 'in_progress',
    });
    const [update] = server.requestsTo('PATCH', '/repos/acme/infra/check-runs/:id');
    const body = update!.body as {
      status: string;
      conclusion: string;
      output: { title: string; summary: string };
    };
    expect(update!.path).toBe('/repos/acme/infra/check-runs/1000');
    expect(body).toMatchObject({
      status: 'completed',
      conclusion: 'neutral',
      output: { title: 'Preview: 2 to add, 1 to modify, 1 to remove, 1 replaced (risk: dangerous)' },
    });
    expect(body.output.summary).toContain(
      '**Risk: dangerous** · 2 to add · 1 to modify · 1 to remove · 1 replaced · 1 IAM / security',
    );
    expect(body.output.summary).toContain('| Modify | `DeployRole` | AWS::IAM::Role |  | **iam** |');
  });

  it.each([
    [
      'a preview that failed to plan',
      { status: 'PLAN_FAILED', reason: { code: 'TEMPLATE_INVALID', message: 'Template format error' } },
      'failure',
      'Template format error',
    ],
    [
      'a preview with nothing to change',
      { status: 'NO_CHANGES', changeSet: undefined },
      'success',
      'no changes',
    ],
  ] as const)('completes %s as %s, saying why', async (_case, overrides, conclusion, text) => {
    await github().deploymentChanged(preview(overrides), { event: 'no changes' }, undefined);
    const body = server.requestsTo('POST', '/repos/acme/infra/check-runs')[0]!.body as {
      output: { summary: string };
    };
    expect(body).toMatchObject({ status: 'completed', conclusion });
    expect(body.output.summary).toContain(text);
  });
});
