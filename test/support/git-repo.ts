import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a commit puts in the tree: text, a symlink to a target, or `null` to delete the path. */
export type FileChange = string | { readonly symlink: string } | null;

export interface CommitInput {
  /** Repository-relative paths and what they become. */
  readonly files: Readonly<Record<string, FileChange>>;
  readonly message?: string;
  readonly author?: { readonly name: string; readonly email: string };
  /** ISO 8601; the author and committer date. */
  readonly date?: string;
}

export interface GitRepo {
  /** Absolute path of the working tree. */
  readonly dir: string;
  /** `file://` URL of the repository, for fetching it as a remote. */
  readonly url: string;
  /** Commits the changes on the current branch and returns the full SHA. */
  commit(input: CommitInput): Promise<string>;
  /** Runs `git` in the repository (arguments, never a shell) and returns stdout. */
  git(...args: string[]): Promise<string>;
  /** Deletes the repository. */
  remove(): Promise<void>;
}

/**
 * A real git repository in a fresh temp directory, on branch `main`, with no commits yet.
 * Global and system git configuration are ignored, so tests do not depend on the machine.
 *
 * @example
 * const repo = await createGitRepo();
 * const sha = await repo.commit({ files: { 'converge.yaml': 'version: 1\n', 'link.yaml': { symlink: '/etc/passwd' } } });
 * ...
 * await repo.remove();
 */
export async function createGitRepo(): Promise<GitRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-repo-'));
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir, env })).stdout;
  await git('init', '--quiet', '--initial-branch=main');

  return {
    dir,
    url: `file://${dir}`,
    git,
    async commit(input) {
      for (const [path, change] of Object.entries(input.files)) {
        const target = join(dir, path);
        await rm(target, { force: true, recursive: true });
        if (change === null) continue;
        await mkdir(dirname(target), { recursive: true });
        if (typeof change === 'string') await writeFile(target, change);
        else await symlink(change.symlink, target);
      }
      await git('add', '--all');
      const author = input.author ?? { name: 'Alice Example', email: 'alice@example.com' };
      const date = input.date ?? '2026-11-26T09:00:00Z';
      await run(
        'git',
        [
          '-c',
          'commit.gpgsign=false',
          'commit',
          '--quiet',
          '--allow-empty',
          '--message',
          input.message ?? 'change',
        ],
        {
          cwd: dir,
          env: {
            ...env,
            GIT_AUTHOR_NAME: author.name,
            GIT_AUTHOR_EMAIL: author.email,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_NAME: author.name,
            GIT_COMMITTER_EMAIL: author.email,
            GIT_COMMITTER_DATE: date,
          },
        },
      );
      return (await git('rev-parse', 'HEAD')).trim();
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
