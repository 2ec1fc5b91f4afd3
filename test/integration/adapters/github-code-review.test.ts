import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import { GithubCodeReview } from '../../../shared/adapters/github/github-code-review.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const MERGE = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const HEAD = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
const BASE = '5f2c1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd';
let server: RecordingServer;

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function review() {
  return new GithubCodeReview({
    octokit: createOctokit({
      baseUrl: server.url,
      auth: { type: 'token', token: 'ghp_test' },
      retries: 0,
      throttle: false,
    }),
  });
}

/** A pull request as the pulls API returns it (the fields Converge reads). */
function pull(number: number, extra: Record<string, unknown> = {}) {
  return {
    number,
    user: { login: 'alice' },
    head: { sha: HEAD, ref: 'feature', repo: { full_name: 'acme/infra' } },
    base: { sha: BASE, ref: 'main', repo: { full_name: 'acme/infra' } },
    merged: false,
    merged_at: null,
    merge_commit_sha: null,
    ...extra,
  };
}

describe('GithubCodeReview', () => {
  it('reads a merged pull request with the commit its merge produced', async () => {
    server.route('GET', '/repos/acme/infra/pulls/7', {
      body: pull(7, { merged: true, merged_at: '2026-03-01T09:00:00Z', merge_commit_sha: MERGE }),
    });
    expect(await review().pullRequest('acme/infra', 7)).toEqual({
      number: 7,
      author: 'alice',
      headSha: HEAD,
      baseSha: BASE,
      baseRef: 'main',
      fork: false,
      merged: true,
      mergeCommitSha: MERGE,
    });
  });

  it('never reports a merge commit for an open pull request (GitHub sets a test merge there)', async () => {
    server.route('GET', '/repos/acme/infra/pulls/8', { body: pull(8, { merge_commit_sha: MERGE }) });
    const pr = await review().pullRequest('acme/infra', 8);
    expect(pr?.merged).toBe(false);
    expect(pr?.mergeCommitSha).toBeUndefined();
  });

  it('knows a pull request from a fork, and one whose fork was deleted', async () => {
    server.route('GET', '/repos/acme/infra/pulls/9', {
      body: pull(9, { head: { sha: HEAD, ref: 'main', repo: { full_name: 'mallory/infra' } } }),
    });
    server.route('GET', '/repos/acme/infra/pulls/10', {
      body: pull(10, { head: { sha: HEAD, ref: 'main', repo: null } }),
    });
    expect((await review().pullRequest('acme/infra', 9))?.fork).toBe(true);
    expect((await review().pullRequest('acme/infra', 10))?.fork).toBe(true);
  });

  it('answers undefined for a pull request that does not exist', async () => {
    expect(await review().pullRequest('acme/infra', 404)).toBeUndefined();
  });

  it('finds only the merged pull requests whose merge commit is the revision', async () => {
    // The list API has no `merged` field: merged_at says it.
    server.route('GET', `/repos/acme/infra/commits/${MERGE}/pulls`, {
      body: [
        pull(7, { merged: undefined, merged_at: '2026-03-01T09:00:00Z', merge_commit_sha: MERGE }),
        pull(8, { merged: undefined, merged_at: null, merge_commit_sha: MERGE }),
        pull(9, { merged: undefined, merged_at: '2026-03-01T09:00:00Z', merge_commit_sha: HEAD }),
      ],
    });
    expect((await review().mergedPullRequests('acme/infra', MERGE)).map((pr) => pr.number)).toEqual([7]);
    expect(await review().mergedPullRequests('acme/infra', HEAD)).toEqual([]);
  });

  it('lists the logins GitHub links to a pull request’s commits, skipping unlinked authors', async () => {
    server.route('GET', '/repos/acme/infra/pulls/7/commits', {
      body: [
        { sha: HEAD, author: { login: 'bob' }, commit: { author: { name: 'Bob' } } },
        { sha: BASE, author: null, commit: { author: { name: 'someone' } } },
        { sha: MERGE, author: { login: 'bob' }, commit: { author: { name: 'Bob' } } },
      ],
    });
    expect(await review().commitAuthors('acme/infra', 7)).toEqual(['bob']);
  });

  it('reads a collaborator’s role, and none for a stranger', async () => {
    server.route('GET', '/repos/acme/infra/collaborators/alice/permission', {
      body: { permission: 'write', role_name: 'maintain', user: { login: 'alice' } },
    });
    server.route('GET', '/repos/acme/infra/collaborators/eve/permission', {
      body: { permission: 'read', role_name: 'read', user: { login: 'eve' } },
    });
    expect(await review().permission('acme/infra', 'alice')).toBe('maintain');
    expect(await review().permission('acme/infra', 'eve')).toBe('read');
    expect(await review().permission('acme/infra', 'stranger')).toBe('none');
  });

  it('replies on the pull request', async () => {
    await review().reply('acme/infra', 7, 'Converge: no plan.');
    expect(server.requestsTo('POST', '/repos/acme/infra/issues/7/comments').map((r) => r.body)).toEqual([
      { body: 'Converge: no plan.' },
    ]);
  });
});
