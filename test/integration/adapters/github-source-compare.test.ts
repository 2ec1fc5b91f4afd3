import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import { GithubCompareStatusError, GithubSource } from '../../../shared/adapters/github/github-source.ts';
import { SourceRevisionInvalidError, SourceRevisionNotFoundError } from '../../../shared/ports/source.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const HEAD = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const BASE = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
let server: RecordingServer;

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function source() {
  return new GithubSource({
    octokit: createOctokit({
      baseUrl: server.url,
      auth: { type: 'token', token: 'ghp_test' },
      retries: 0,
      throttle: false,
    }),
  });
}

describe('GithubSource.compare', () => {
  it.each(['ahead', 'behind', 'diverged', 'identical'] as const)(
    'answers GitHub’s comparison status %s',
    async (status) => {
      server.route('GET', `/repos/acme/infra/compare/${BASE}...${HEAD}`, {
        body: { status, ahead_by: 1, behind_by: 0, total_commits: 1, commits: [], files: [] },
      });
      expect(await source().compare('acme/infra', BASE, HEAD)).toBe(status);
      const [request] = server.requestsTo('GET', `/repos/acme/infra/compare/${BASE}...${HEAD}`);
      expect(request?.query.per_page).toBe('1');
    },
  );

  it('says when either commit does not exist', async () => {
    server.route('GET', `/repos/acme/infra/compare/${BASE}...${HEAD}`, {
      status: 404,
      body: { message: 'Not Found' },
    });
    await expect(source().compare('acme/infra', BASE, HEAD)).rejects.toBeInstanceOf(
      SourceRevisionNotFoundError,
    );
  });

  it('refuses a status it does not know rather than guess an order', async () => {
    server.route('GET', `/repos/acme/infra/compare/${BASE}...${HEAD}`, { body: { status: 'sideways' } });
    await expect(source().compare('acme/infra', BASE, HEAD)).rejects.toBeInstanceOf(GithubCompareStatusError);
  });

  it('refuses an unsafe revision before calling GitHub', async () => {
    await expect(source().compare('acme/infra', 'main..evil', HEAD)).rejects.toBeInstanceOf(
      SourceRevisionInvalidError,
    );
    expect(server.requestsTo('GET', `/repos/acme/infra/compare/main..evil...${HEAD}`)).toEqual([]);
  });
});

describe('GithubSource.branchHead', () => {
  it('reads the branch head from the git refs API', async () => {
    // Octokit encodes the ref's slash in the path (heads%2Fmain), which GitHub reads as heads/main.
    server.route('GET', '/repos/acme/infra/git/ref/heads%2Fmain', {
      body: { ref: 'refs/heads/main', object: { type: 'commit', sha: HEAD } },
    });
    expect(await source().branchHead('acme/infra', 'main')).toBe(HEAD);
  });

  it('answers undefined for a branch that does not exist', async () => {
    server.route('GET', '/repos/acme/infra/git/ref/heads%2Fgone', {
      status: 404,
      body: { message: 'Not Found' },
    });
    expect(await source().branchHead('acme/infra', 'gone')).toBeUndefined();
  });

  it('refuses an unsafe branch name before calling GitHub', async () => {
    await expect(source().branchHead('acme/infra', 'main..evil')).rejects.toBeInstanceOf(
      SourceRevisionInvalidError,
    );
    expect(server.requests).toEqual([]);
  });
});
