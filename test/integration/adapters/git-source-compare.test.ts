import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource } from '../../../shared/adapters/git/git-source.ts';
import { SourceRevisionInvalidError, SourceRevisionNotFoundError } from '../../../shared/ports/source.ts';
import { createGitRepo, type GitRepo } from '../../support/git-repo.ts';

let repo: GitRepo;
let cacheDir: string;
/** A ← B ← C on main; D is a child of A on a rewritten history (B and C force-pushed away). */
let a: string;
let b: string;
let c: string;
let d: string;

beforeAll(async () => {
  repo = await createGitRepo();
  cacheDir = await mkdtemp(join(tmpdir(), 'converge-git-compare-'));
  a = await repo.commit({ files: { 'converge.yaml': 'version: 1\n' }, message: 'A' });
  b = await repo.commit({ files: { 'stacks/x.yaml': 'b\n' }, message: 'B' });
  c = await repo.commit({ files: { 'stacks/x.yaml': 'c\n' }, message: 'C' });
  await repo.git('branch', 'old-history', c);
  await repo.git('reset', '--quiet', '--hard', a);
  d = await repo.commit({ files: { 'stacks/x.yaml': 'd\n' }, message: 'D' });
});

afterAll(async () => {
  await repo.remove();
  await rm(cacheDir, { recursive: true, force: true });
});

describe.each([
  ['a local repository', () => new GitSource({ locations: { 'acme/infra': repo.dir } })],
  ['a remote repository', () => new GitSource({ cacheDir, locations: { 'acme/infra': repo.url } })],
])('GitSource.compare on %s', (_, source) => {
  it('says a descendant is ahead, however far', async () => {
    expect(await source().compare('acme/infra', a, b)).toBe('ahead');
    expect(await source().compare('acme/infra', a, c)).toBe('ahead');
  });

  it('says an ancestor is behind (a late delivery)', async () => {
    expect(await source().compare('acme/infra', c, a)).toBe('behind');
    expect(await source().compare('acme/infra', c, b)).toBe('behind');
  });

  it('says a commit on a rewritten history has diverged', async () => {
    expect(await source().compare('acme/infra', c, d)).toBe('diverged');
    expect(await source().compare('acme/infra', d, b)).toBe('diverged');
  });

  it('says a commit is identical to itself', async () => {
    expect(await source().compare('acme/infra', b, b)).toBe('identical');
  });

  it('says when a commit is not in the repository', async () => {
    await expect(source().compare('acme/infra', 'f'.repeat(40), a)).rejects.toBeInstanceOf(
      SourceRevisionNotFoundError,
    );
  });

  it('refuses a revision git could read as an option', async () => {
    await expect(source().compare('acme/infra', '--upload-pack=touch', a)).rejects.toBeInstanceOf(
      SourceRevisionInvalidError,
    );
  });
});

describe.each([
  ['a local repository', () => new GitSource({ locations: { 'acme/infra': repo.dir } })],
  ['a remote repository', () => new GitSource({ cacheDir, locations: { 'acme/infra': repo.url } })],
])('GitSource.branchHead on %s', (_, source) => {
  it('reads where a branch points now, and follows it when it moves', async () => {
    const git = source();
    expect(await git.branchHead('acme/infra', 'main')).toBe(d);
    expect(await git.branchHead('acme/infra', 'old-history')).toBe(c);
    const e = await repo.commit({ files: { 'stacks/x.yaml': 'e\n' }, message: 'E' });
    expect(await git.branchHead('acme/infra', 'main')).toBe(e);
    // The head it returns can be read at once (a remote's commit was fetched).
    expect(new TextDecoder().decode(await git.readFile('acme/infra', e, 'stacks/x.yaml'))).toBe('e\n');
    await repo.git('reset', '--quiet', '--hard', d);
  });

  it('answers undefined for a branch that does not exist', async () => {
    expect(await source().branchHead('acme/infra', 'no-such-branch')).toBeUndefined();
  });

  it('refuses a branch name git could read as an option or a range', async () => {
    for (const branch of ['--upload-pack=touch', 'main..evil', 'main:secret']) {
      await expect(source().branchHead('acme/infra', branch)).rejects.toBeInstanceOf(
        SourceRevisionInvalidError,
      );
    }
  });
});
