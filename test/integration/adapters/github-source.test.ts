import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import { GithubSource } from '../../../shared/adapters/github/github-source.ts';
import {
  SOURCE_FILE_MAX_BYTES,
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourcePathInvalidError,
  SourceRepositoryInvalidError,
  SourceRevisionInvalidError,
  SourceRevisionNotFoundError,
  SourceSymlinkError,
} from '../../../shared/ports/source.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const BASE = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';
let server: RecordingServer;

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function source(options: { maxFileBytes?: number } = {}) {
  return new GithubSource({
    ...options,
    octokit: createOctokit({
      baseUrl: server.url,
      auth: { type: 'token', token: 'ghp_test' },
      retries: 0,
      throttle: false,
    }),
  });
}

function fileContent(path: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: path.split('/').pop(),
    path,
    content: Buffer.from(text)
      .toString('base64')
      .replace(/(.{60})/g, '$1\n'),
    sha: '3d21ec53a331a6f037a91c368710b99387d012c1',
    ...extra,
  };
}

const decode = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

describe('GithubSource.readFile', () => {
  it('reads a file at the revision through the contents API', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', (_request, { path }) => ({
      body: fileContent(path!, 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n'),
    }));
    const bytes = await source().readFile('acme/infra', SHA, 'stacks/queue.yaml');
    expect(decode(bytes)).toBe('Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
    const [request] = server.requestsTo('GET', '/repos/acme/infra/contents/:path*');
    expect(request!.query).toEqual({ ref: SHA });
    expect(decodeURIComponent(request!.path)).toBe('/repos/acme/infra/contents/stacks/queue.yaml');
    expect(request!.headers.authorization).toBe('token ghp_test');
  });

  it('reads a file over 1 MB through the blobs API', async () => {
    const big = 'x'.repeat(1_100_000);
    server.route('GET', '/repos/acme/infra/contents/:path*', {
      body: fileContent('stacks/big.yaml', '', {
        encoding: 'none',
        content: '',
        size: big.length,
        sha: 'b1ob',
      }),
    });
    server.route('GET', '/repos/acme/infra/git/blobs/b1ob', {
      body: {
        sha: 'b1ob',
        size: big.length,
        encoding: 'base64',
        content: Buffer.from(big).toString('base64'),
      },
    });
    expect(decode(await source().readFile('acme/infra', SHA, 'stacks/big.yaml'))).toHaveLength(1_100_000);
  });

  it('refuses a file over the size cap every source shares, naming it, without fetching the blob', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', {
      body: fileContent('stacks/huge.yaml', '', {
        encoding: 'none',
        content: '',
        size: 62_000_000,
        sha: 'b1ob',
      }),
    });
    server.route('GET', '/repos/acme/infra/git/blobs/b1ob', {
      body: { sha: 'b1ob', size: 62_000_000, content: '' },
    });
    const error = await source()
      .readFile('acme/infra', SHA, 'stacks/huge.yaml')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceFileTooLargeError);
    expect(error).toMatchObject({
      path: 'stacks/huge.yaml',
      bytes: 62_000_000,
      limit: SOURCE_FILE_MAX_BYTES,
    });
    expect((error as Error).message).toContain('"stacks/huge.yaml" is 62000000 bytes');
    expect(server.requestsTo('GET', '/repos/acme/infra/git/blobs/b1ob')).toHaveLength(0);
  });

  it('refuses a blob over the cap when the contents API reported less', async () => {
    const big = 'x'.repeat(1_100_000);
    server.route('GET', '/repos/acme/infra/contents/:path*', {
      body: fileContent('stacks/big.yaml', '', {
        encoding: 'none',
        content: '',
        size: 1_000_001,
        sha: 'b1ob',
      }),
    });
    server.route('GET', '/repos/acme/infra/git/blobs/b1ob', {
      body: {
        sha: 'b1ob',
        size: big.length,
        encoding: 'base64',
        content: Buffer.from(big).toString('base64'),
      },
    });
    await expect(
      source({ maxFileBytes: 1_050_000 }).readFile('acme/infra', SHA, 'stacks/big.yaml'),
    ).rejects.toThrow(new SourceFileTooLargeError('stacks/big.yaml', 1_100_000, 1_050_000));
  });

  it('reads an empty file', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', { body: fileContent('empty.yaml', '') });
    expect((await source().readFile('acme/infra', SHA, 'empty.yaml'))?.byteLength).toBe(0);
  });

  it('answers undefined for a file that does not exist', async () => {
    expect(await source().readFile('acme/infra', SHA, 'stacks/missing.yaml')).toBeUndefined();
  });

  it('says when the revision does not exist', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', {
      status: 404,
      body: { message: `No commit found for the ref ${SHA}` },
    });
    await expect(source().readFile('acme/infra', SHA, 'converge.yaml')).rejects.toBeInstanceOf(
      SourceRevisionNotFoundError,
    );
  });

  it('refuses a symbolic link GitHub describes as one', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', {
      body: { type: 'symlink', target: '/etc/passwd', path: 'link.yaml', sha: 'abc', size: 11 },
    });
    await expect(source().readFile('acme/infra', SHA, 'link.yaml')).rejects.toBeInstanceOf(
      SourceSymlinkError,
    );
  });

  it('refuses a symbolic link GitHub followed to another file', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', { body: fileContent('stacks/real.yaml', 'x') });
    await expect(source().readFile('acme/infra', SHA, 'link.yaml')).rejects.toBeInstanceOf(
      SourceSymlinkError,
    );
  });

  it('refuses a directory', async () => {
    server.route('GET', '/repos/acme/infra/contents/:path*', { body: [fileContent('stacks/a.yaml', 'x')] });
    await expect(source().readFile('acme/infra', SHA, 'stacks')).rejects.toBeInstanceOf(SourceNotAFileError);
  });

  it.each([
    [SourcePathInvalidError, 'acme/infra', SHA, '../../../user'],
    [SourcePathInvalidError, 'acme/infra', SHA, '/etc/passwd'],
    [SourceRevisionInvalidError, 'acme/infra', '--upload-pack=x', 'converge.yaml'],
    [SourceRepositoryInvalidError, 'acme/../users', SHA, 'converge.yaml'],
    [SourceRepositoryInvalidError, 'https://evil.test/acme/infra', SHA, 'converge.yaml'],
  ])('refuses bad input (%s) without calling GitHub', async (errorType, repository, revision, path) => {
    await expect(source().readFile(repository, revision, path)).rejects.toBeInstanceOf(errorType);
    expect(server.requests).toHaveLength(0);
  });
});

describe('GithubSource.changedPaths', () => {
  it('collects files from every page of the comparison, renames included', async () => {
    server.route('GET', `/repos/acme/infra/compare/${BASE}...${SHA}`, (request) => {
      const page = Number(request.query.page);
      const next = `<${server.url}/repos/acme/infra/compare/${BASE}...${SHA}?per_page=100&page=2>; rel="next"`;
      return page === 1
        ? {
            headers: { link: next },
            body: {
              files: [
                { filename: 'stacks/a.yaml' },
                { filename: 'stacks/b.yaml', previous_filename: 'old/b.yaml' },
              ],
            },
          }
        : { body: { files: [{ filename: 'stacks/c.yaml' }] } };
    });
    expect([...(await source().changedPaths('acme/infra', BASE, SHA))].sort()).toEqual([
      'old/b.yaml',
      'stacks/a.yaml',
      'stacks/b.yaml',
      'stacks/c.yaml',
    ]);
    expect(
      server.requestsTo('GET', `/repos/acme/infra/compare/${BASE}...${SHA}`).map((r) => r.query.page),
    ).toEqual(['1', '2']);
  });

  it('compares the two trees when the comparison stops at its file limit', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({ filename: `f/${i}.yaml` }));
    server.route('GET', `/repos/acme/infra/compare/${BASE}...${SHA}`, { body: { files } });
    const tree = (entries: [string, string][]) => ({
      truncated: false,
      tree: entries.map(([path, sha]) => ({ path, sha, type: 'blob', mode: '100644' })),
    });
    server.route('GET', `/repos/acme/infra/git/trees/${BASE}`, {
      body: tree([
        ['same.yaml', 's1'],
        ['changed.yaml', 'c1'],
        ['removed.yaml', 'r1'],
      ]),
    });
    server.route('GET', `/repos/acme/infra/git/trees/${SHA}`, {
      body: tree([
        ['same.yaml', 's1'],
        ['changed.yaml', 'c2'],
        ['added.yaml', 'a1'],
      ]),
    });
    expect([...(await source().changedPaths('acme/infra', BASE, SHA))].sort()).toEqual([
      'added.yaml',
      'changed.yaml',
      'removed.yaml',
    ]);
    expect(server.requestsTo('GET', `/repos/acme/infra/git/trees/${SHA}`)[0]!.query).toEqual({
      recursive: 'true',
    });
  });

  it('lists every file of the head when there is no base', async () => {
    server.route('GET', `/repos/acme/infra/git/trees/${SHA}`, {
      body: {
        truncated: false,
        tree: [
          { path: 'stacks', type: 'tree', sha: 't' },
          { path: 'stacks/a.yaml', type: 'blob', sha: 'a' },
        ],
      },
    });
    expect(
      await source().changedPaths('acme/infra', '0000000000000000000000000000000000000000', SHA),
    ).toEqual(['stacks/a.yaml']);
  });
});

describe('GithubSource.commit', () => {
  it('reads the commit with the author’s GitHub login', async () => {
    server.route('GET', `/repos/acme/infra/commits/${SHA}`, {
      body: {
        sha: SHA,
        author: { login: 'alice' },
        commit: {
          message: 'Add the queue',
          author: { name: 'Alice Example', email: 'alice@example.com', date: '2026-11-25T08:30:00Z' },
          committer: { name: 'GitHub', email: 'noreply@github.com', date: '2026-11-26T09:15:00Z' },
        },
      },
    });
    expect(await source().commit('acme/infra', SHA)).toEqual({
      revision: SHA,
      author: 'alice',
      authorName: 'Alice Example',
      authorEmail: 'alice@example.com',
      message: 'Add the queue',
      committedAt: '2026-11-26T09:15:00.000Z',
    });
  });

  it('says when the commit does not exist', async () => {
    server.route('GET', `/repos/acme/infra/commits/${SHA}`, {
      status: 422,
      body: { message: 'No commit found' },
    });
    await expect(source().commit('acme/infra', SHA)).rejects.toBeInstanceOf(SourceRevisionNotFoundError);
  });
});

describe('createOctokit', () => {
  it('authenticates as a GitHub App installation against the configured API root', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    server.route('POST', '/api/v3/app/installations/42/access_tokens', {
      status: 201,
      body: {
        token: 'ghs_installation',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { contents: 'read' },
        repository_selection: 'all',
      },
    });
    server.route('GET', `/api/v3/repos/acme/infra/commits/${SHA}`, {
      body: {
        sha: SHA,
        author: null,
        commit: { message: 'm', author: { name: 'A', date: '2026-11-26T00:00:00Z' } },
      },
    });
    const octokit = createOctokit({
      baseUrl: `${server.url}/api/v3/`,
      auth: {
        type: 'app',
        appId: 1234,
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        installationId: 42,
      },
      retries: 0,
      throttle: false,
    });
    await new GithubSource({ octokit }).commit('acme/infra', SHA);
    const [tokenRequest] = server.requestsTo('POST', '/api/v3/app/installations/42/access_tokens');
    expect(tokenRequest!.headers.authorization).toMatch(/^bearer ey/i);
    expect(
      server.requestsTo('GET', `/api/v3/repos/acme/infra/commits/${SHA}`)[0]!.headers.authorization,
    ).toBe('token ghs_installation');
  });
});
