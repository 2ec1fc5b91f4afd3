import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource } from '../../../shared/adapters/git/git-source.ts';
import {
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourcePathInvalidError,
  SourceRepositoryInvalidError,
  SourceRevisionInvalidError,
  SourceRevisionNotFoundError,
  SourceSymlinkError,
} from '../../../shared/ports/source.ts';
import { createGitRepo, type GitRepo } from '../../support/git-repo.ts';

let repo: GitRepo;
let cacheDir: string;
let first: string;
let second: string;
const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');

beforeAll(async () => {
  repo = await createGitRepo();
  cacheDir = await mkdtemp(join(tmpdir(), 'converge-git-cache-test-'));
  first = await repo.commit({
    files: {
      'converge.yaml': 'version: 1\n',
      'stacks/network.yaml': 'Resources: {}\n',
      'stacks/queue.yaml': 'Resources: { Queue: { Type: AWS::SQS::Queue } }\n',
      'stacks/old.yaml': 'Resources: {}\n',
      'outside.yaml': { symlink: '/etc/passwd' },
      'inside.yaml': { symlink: 'stacks/network.yaml' },
      'linked-dir': { symlink: 'stacks' },
    },
    message: 'Add the network stack\n\nWith a queue.',
    author: { name: 'Alice Example', email: 'alice@example.com' },
    date: '2026-11-25T08:30:00Z',
  });
  second = await repo.commit({
    files: {
      'stacks/network.yaml': 'Resources: { Vpc: {} }\n',
      'stacks/old.yaml': null,
      'stacks/new.yaml': 'x: 1\n',
    },
    message: 'Change the network',
    author: { name: 'Bob Example', email: 'bob@example.com' },
    date: '2026-11-26T09:15:00Z',
  });
  await repo.git('tag', 'v1', first);
});

afterAll(async () => {
  await repo.remove();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('GitSource on a local repository', () => {
  const source = () => new GitSource({ locations: { 'acme/infra': repo.dir } });

  it('reads a file at an exact revision', async () => {
    expect(text(await source().readFile('acme/infra', first, 'stacks/network.yaml'))).toBe('Resources: {}\n');
    expect(text(await source().readFile('acme/infra', second, 'stacks/network.yaml'))).toBe(
      'Resources: { Vpc: {} }\n',
    );
  });

  it.each([
    ['an abbreviated SHA', () => first.slice(0, 7)],
    ['a tag', () => 'v1'],
  ])('reads at %s', async (_case, revision) => {
    expect(text(await source().readFile('acme/infra', revision(), 'converge.yaml'))).toBe('version: 1\n');
  });

  it('answers undefined for a file that does not exist at the revision', async () => {
    expect(await source().readFile('acme/infra', second, 'stacks/old.yaml')).toBeUndefined();
    expect(await source().readFile('acme/infra', first, 'stacks/new.yaml')).toBeUndefined();
  });

  it.each([
    ['a link out of the repository', 'outside.yaml'],
    ['a link to a file inside the repository', 'inside.yaml'],
    ['a file under a linked directory', 'linked-dir/network.yaml'],
  ])('refuses %s', async (_case, path) => {
    await expect(source().readFile('acme/infra', first, path)).rejects.toBeInstanceOf(SourceSymlinkError);
  });

  it('refuses a file over the size limit', async () => {
    const small = new GitSource({ locations: { 'acme/infra': repo.dir }, maxFileBytes: 10 });
    await expect(small.readFile('acme/infra', first, 'stacks/queue.yaml')).rejects.toBeInstanceOf(
      SourceFileTooLargeError,
    );
  });

  it('refuses a directory', async () => {
    await expect(source().readFile('acme/infra', first, 'stacks')).rejects.toBeInstanceOf(
      SourceNotAFileError,
    );
  });

  it.each([
    '../outside.yaml',
    'stacks/../../etc/passwd',
    '/etc/passwd',
    './converge.yaml',
    'stacks//network.yaml',
    'stacks\\network.yaml',
    '',
    'converge.yaml\u0000',
  ])('refuses the path %j before running git', async (path) => {
    await expect(source().readFile('acme/infra', first, path)).rejects.toBeInstanceOf(SourcePathInvalidError);
  });

  it('treats pathspec magic as a literal name', async () => {
    expect(await source().readFile('acme/infra', first, ':(glob)**')).toBeUndefined();
  });

  it.each([
    '--upload-pack=touch /tmp/pwned',
    '-c',
    'HEAD@{1}',
    `${'a'.repeat(7)}..HEAD`,
    'main:converge.yaml',
    'main^{tree}',
    'main~1',
    'refs/heads/main.lock',
    'has space',
  ])('refuses the revision %j', async (revision) => {
    await expect(source().readFile('acme/infra', revision, 'converge.yaml')).rejects.toBeInstanceOf(
      SourceRevisionInvalidError,
    );
  });

  it('says when a revision does not exist', async () => {
    await expect(source().readFile('acme/infra', 'f'.repeat(40), 'converge.yaml')).rejects.toBeInstanceOf(
      SourceRevisionNotFoundError,
    );
  });

  it('lists the paths changed between two revisions, deletions included', async () => {
    expect([...(await source().changedPaths('acme/infra', first, second))].sort()).toEqual([
      'stacks/network.yaml',
      'stacks/new.yaml',
      'stacks/old.yaml',
    ]);
  });

  it.each([undefined, '0000000000000000000000000000000000000000'])(
    'lists every path when there is no base (%s)',
    async (base) => {
      expect(await source().changedPaths('acme/infra', base, first)).toContain('stacks/queue.yaml');
    },
  );

  it('reads commit metadata', async () => {
    expect(await source().commit('acme/infra', first.slice(0, 10))).toEqual({
      revision: first,
      author: 'Alice Example',
      authorName: 'Alice Example',
      authorEmail: 'alice@example.com',
      committedAt: '2026-11-25T08:30:00.000Z',
      message: 'Add the network stack\n\nWith a queue.',
    });
  });

  it.each([
    ['an option', '--upload-pack=sh'],
    ['a relative path', 'infra'],
    ['an ext:: transport', 'ext::sh -c touch% /tmp/pwned'],
  ])('refuses a repository that is %s', async (_case, repository) => {
    await expect(new GitSource().readFile(repository, first, 'converge.yaml')).rejects.toBeInstanceOf(
      SourceRepositoryInvalidError,
    );
  });
});

describe('GitSource on a remote repository', () => {
  const source = () => new GitSource({ cacheDir, locations: { 'acme/infra': repo.url } });

  it('fetches the exact revision into the cache and reads from it', async () => {
    expect(text(await source().readFile('acme/infra', first, 'converge.yaml'))).toBe('version: 1\n');
    const [cache] = await readdir(cacheDir);
    expect(cache).toMatch(/\.git$/);
  });

  it('diffs two fetched revisions and reads their commit', async () => {
    expect(await source().changedPaths('acme/infra', first, second)).toContain('stacks/new.yaml');
    expect((await source().commit('acme/infra', second)).authorEmail).toBe('bob@example.com');
  });

  it('fetches a branch by name', async () => {
    expect((await source().commit('acme/infra', 'main')).revision).toBe(second);
  });

  it('refuses symbolic links in a fetched revision too', async () => {
    await expect(source().readFile('acme/infra', first, 'outside.yaml')).rejects.toBeInstanceOf(
      SourceSymlinkError,
    );
  });

  it('says when the remote does not have the revision', async () => {
    await expect(source().readFile('acme/infra', 'e'.repeat(40), 'converge.yaml')).rejects.toBeInstanceOf(
      SourceRevisionNotFoundError,
    );
  });

  it('asks for a full SHA instead of an abbreviated one it does not have', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'converge-git-cache-test-'));
    try {
      const error = await new GitSource({ cacheDir: fresh, locations: { 'acme/infra': repo.url } })
        .readFile('acme/infra', second.slice(0, 8), 'converge.yaml')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceRevisionInvalidError);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
