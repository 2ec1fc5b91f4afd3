import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ZERO = '0'.repeat(40);

/** What a push of one local commit carries: the commits moved and the paths they changed. */
export interface LocalPush {
  readonly before: string;
  readonly after: string;
  readonly message: string;
  readonly changes: {
    readonly added: readonly string[];
    readonly modified: readonly string[];
    readonly removed: readonly string[];
  };
}

/** `git` could not read what to push; the message says which revision and why. */
export class LocalCommitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalCommitError';
  }
}

/**
 * The push GitHub would send for moving a branch from `before` (default: the commit's first
 * parent; forty zeros for a first commit) to `revision` in a local repository: the full SHAs, the
 * commit message, and the paths added, modified and removed between the two, as `git diff` sees them.
 *
 * @example
 * const push = await localPush('/src/infra', 'HEAD');
 */
export async function localPush(dir: string, revision: string, before?: string): Promise<LocalPush> {
  const git = async (...args: string[]) => {
    try {
      return (await run('git', ['-C', dir, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new LocalCommitError(
        `git ${args.join(' ')} failed in ${dir}: ${stderr || (error as Error).message}`,
      );
    }
  };
  const verified = async (rev: string) =>
    (await git('rev-parse', '--verify', '--quiet', `${rev}^{commit}`)).trim();
  const after = await verified(revision).catch(() => {
    throw new LocalCommitError(`${revision} is not a commit in ${dir}; name a branch, tag or SHA.`);
  });
  const parent = before ?? (await verified(`${after}^`).catch(() => ZERO));
  const base =
    parent === ZERO ? (await git('hash-object', '-t', 'tree', '/dev/null')).trim() : await verified(parent);
  const changes = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
  // `-z` output is status and path, NUL-separated, one pair per changed path.
  const fields = (await git('diff', '--name-status', '--no-renames', '-z', base, after)).split('\0');
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const [status = '', path = ''] = [fields[index], fields[index + 1]];
    if (status.startsWith('A')) changes.added.push(path);
    else if (status.startsWith('D')) changes.removed.push(path);
    else if (status) changes.modified.push(path);
  }
  const message = (await git('log', '-1', '--format=%B', after)).trim();
  return { before: parent === ZERO ? ZERO : base, after, message, changes };
}
