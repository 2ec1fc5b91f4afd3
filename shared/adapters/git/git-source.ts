import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  type CommitInfo,
  RevisionRelation,
  SOURCE_FILE_MAX_BYTES,
  type Source,
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourceRepositoryInvalidError,
  SourceRevisionInvalidError,
  SourceRevisionNotFoundError,
  SourceSymlinkError,
} from '../../ports/source.ts';
import { GitCommandError, redact, runGit, splitZ } from './run-git.ts';
import { isFullSha, isNullRevision, validatePath, validateRevision } from './validate-source-input.ts';

export interface GitSourceOptions {
  /**
   * Where repositories are found, by the name deployments use (`owner/name`): a local path or a
   * remote URL. A name not listed here must itself be an absolute path or a URL.
   */
  readonly locations?: Readonly<Record<string, string>>;
  /** Where remote repositories are fetched to (bare repositories, one per URL). */
  readonly cacheDir?: string;
  /** The `git` executable. */
  readonly gitBinary?: string;
  /** Longest a single git command may run, in milliseconds. */
  readonly timeoutMs?: number;
  /** Largest file `readFile` returns, in bytes; {@link SOURCE_FILE_MAX_BYTES} unless a test says less. */
  readonly maxFileBytes?: number;
}

const DEFAULTS = {
  cacheDir: join(tmpdir(), 'converge-git-cache'),
  gitBinary: 'git',
  timeoutMs: 120_000,
  maxFileBytes: SOURCE_FILE_MAX_BYTES,
} as const;

const REMOTE_URL = /^(?:https?|ssh|git|file):\/\/[^\s]+$/;
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$/;
const SYMLINK_MODE = '120000';

interface Location {
  /** The repository git runs in (the local one, or the cache of a remote). */
  readonly gitDir: string;
  /** Set for remotes: what to fetch missing revisions from. */
  readonly remoteUrl?: string;
}

/**
 * {@link Source} over the `git` command, for local repositories and remote URLs (fetched into a
 * cache directory, exact revisions only). git runs through `execFile`, never a shell; every
 * revision and path is validated first, pathspecs are literal, and files are read by the object
 * id of their tree entry, so symbolic links (mode 120000) are refused, never followed.
 *
 * @example
 * const source = new GitSource({ locations: { 'acme/infra': 'https://github.com/acme/infra.git' } });
 * const template = await source.readFile('acme/infra', sha, 'stacks/network.yaml');
 */
export class GitSource implements Source {
  readonly #options: Required<Omit<GitSourceOptions, 'locations'>> & Pick<GitSourceOptions, 'locations'>;
  /** Cache repositories already initialised by this instance. */
  readonly #initialised = new Set<string>();

  constructor(options: GitSourceOptions = {}) {
    this.#options = { ...DEFAULTS, ...options };
  }

  async readFile(repository: string, revision: string, path: string): Promise<Uint8Array | undefined> {
    validatePath(path);
    const location = await this.#locate(repository);
    const sha = await this.#resolve(location, repository, revision);

    // Look up the tree entries of the path and of every directory above it.
    const segments = path.split('/');
    const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    const listing = await this.#run(location, ['ls-tree', '-z', '--full-tree', sha, '--', ...prefixes]);
    const entries = parseTreeEntries(listing.toString('utf8'));
    const link = entries.find((entry) => entry.mode === SYMLINK_MODE && prefixes.includes(entry.path));
    if (link) throw new SourceSymlinkError(link.path);
    const entry = entries.find((candidate) => candidate.path === path);
    if (!entry) return undefined;
    if (entry.type !== 'blob')
      throw new SourceNotAFileError(path, entry.type === 'tree' ? 'directory' : 'submodule');

    // Read the blob by its object id, never by a path git could resolve differently.
    const size = Number((await this.#run(location, ['cat-file', '-s', entry.oid])).toString('utf8').trim());
    if (size > this.#options.maxFileBytes)
      throw new SourceFileTooLargeError(path, size, this.#options.maxFileBytes);
    const bytes = await this.#run(location, ['cat-file', 'blob', entry.oid], size + 1);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async changedPaths(repository: string, base: string | undefined, head: string): Promise<readonly string[]> {
    const location = await this.#locate(repository);
    const headSha = await this.#resolve(location, repository, head);
    if (base === undefined || isNullRevision(base)) {
      const all = await this.#run(location, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', headSha]);
      return splitZ(all.toString('utf8'));
    }
    const baseSha = await this.#resolve(location, repository, base);
    const diff = await this.#run(location, [
      'diff',
      '--name-only',
      '-z',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      baseSha,
      headSha,
      '--',
    ]);
    return splitZ(diff.toString('utf8'));
  }

  async commit(repository: string, revision: string): Promise<CommitInfo> {
    const location = await this.#locate(repository);
    const sha = await this.#resolve(location, repository, revision);
    const out = await this.#run(location, [
      'log',
      '-1',
      '--no-show-signature',
      '--format=%H%x00%an%x00%ae%x00%cI%x00%B',
      sha,
      '--',
    ]);
    const [full, name, email, committedAt, ...message] = out.toString('utf8').split('\0');
    return {
      revision: full!,
      author: name!,
      authorName: name!,
      authorEmail: email!,
      committedAt: new Date(committedAt!).toISOString(),
      message: message.join('\0').trimEnd(),
    };
  }

  async compare(repository: string, base: string, head: string): Promise<RevisionRelation> {
    const location = await this.#locate(repository);
    const baseSha = await this.#resolve(location, repository, base);
    const headSha = await this.#resolve(location, repository, head);
    if (baseSha === headSha) return RevisionRelation.IDENTICAL;
    // Remote revisions were fetched one commit deep: history is needed to relate them.
    if (location.remoteUrl) await this.#unshallow(location, repository, [baseSha, headSha]);
    if (await this.#isAncestor(location, baseSha, headSha)) return RevisionRelation.AHEAD;
    if (await this.#isAncestor(location, headSha, baseSha)) return RevisionRelation.BEHIND;
    return RevisionRelation.DIVERGED;
  }

  async branchHead(repository: string, branch: string): Promise<string | undefined> {
    validateRevision(branch);
    const location = await this.#locate(repository);
    const ref = `refs/heads/${branch}`;
    if (!location.remoteUrl) return this.#revParse(location, ref);
    // A remote's branch moves: fetch it now, into a ref of its own, one commit deep.
    const local = `refs/converge/branches/${shortHash(branch)}`;
    try {
      await this.#fetch(location, 'one-commit', [`+${ref}:${local}`]);
    } catch (error) {
      // git says "couldn't find remote ref" when the branch does not exist; anything else is a failure.
      if (error instanceof GitCommandError && /couldn't find remote ref/i.test(error.message))
        return undefined;
      throw error;
    }
    return this.#revParse(location, local);
  }

  /** `git merge-base --is-ancestor` answers with its exit status: 0 yes, 1 no, anything else is an error. */
  async #isAncestor(location: Location, ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.#run(location, ['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError && error.exitCode === 1) return false;
      throw error;
    }
  }

  /** Fetches the full history of `shas` into a shallow cache repository. */
  async #unshallow(location: Location, repository: string, shas: readonly string[]): Promise<void> {
    const shallow = (await this.#run(location, ['rev-parse', '--is-shallow-repository'])).toString('utf8');
    if (shallow.trim() !== 'true') return;
    try {
      await this.#fetch(location, 'unshallow', shas);
    } catch {
      throw new SourceRevisionNotFoundError(redact(repository), shas.join('...'));
    }
  }

  /** Where git runs for `repository`: the local repository, or the cache of the remote one. */
  async #locate(repository: string): Promise<Location> {
    const where = this.#options.locations?.[repository] ?? repository;
    if (where.startsWith('-'))
      throw new SourceRepositoryInvalidError(repository, 'it looks like a command-line option');
    if (isAbsolute(where)) return { gitDir: where };
    if (!REMOTE_URL.test(where) && !SCP_LIKE.test(where)) {
      throw new SourceRepositoryInvalidError(
        redact(repository),
        'it is neither an absolute path nor an https, ssh, git or file URL; map it in the locations option',
      );
    }
    const gitDir = join(this.#options.cacheDir, `${shortHash(where)}.git`);
    if (!this.#initialised.has(gitDir)) {
      await mkdir(gitDir, { recursive: true });
      await this.#run({ gitDir }, ['init', '--quiet', '--bare']);
      this.#initialised.add(gitDir);
    }
    return { gitDir, remoteUrl: where };
  }

  /** The full commit SHA `revision` names, fetching it first when the repository is remote. */
  async #resolve(location: Location, repository: string, revision: string): Promise<string> {
    validateRevision(revision);
    const found = await this.#revParse(location, revision);
    if (found) return found;
    if (location.remoteUrl) {
      if (!isFullSha(revision) && /^[0-9a-f]+$/.test(revision)) {
        throw new SourceRevisionInvalidError(
          revision,
          'a remote repository is fetched by full commit SHA only',
        );
      }
      // Fetch exactly this revision: a full SHA as it is, a ref name into a ref of its own.
      const target = isFullSha(revision)
        ? revision
        : `+${revision}:refs/converge/fetched/${shortHash(revision)}`;
      try {
        await this.#fetch(location, 'one-commit', [target]);
      } catch {
        throw new SourceRevisionNotFoundError(redact(repository), revision);
      }
      const fetched = isFullSha(revision) ? revision : target.slice(target.indexOf(':') + 1);
      const resolved = await this.#revParse(location, fetched);
      if (resolved) return resolved;
    }
    throw new SourceRevisionNotFoundError(redact(repository), revision);
  }

  /**
   * Fetches `refspecs` from the remote into the cache: quietly, without tags or FETCH_HEAD, either
   * one commit deep or (`unshallow`) the whole history behind them.
   */
  #fetch(
    location: Location,
    depth: 'one-commit' | 'unshallow',
    refspecs: readonly string[],
  ): Promise<Buffer> {
    return this.#run(location, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      depth === 'one-commit' ? '--depth=1' : '--unshallow',
      '--',
      location.remoteUrl!,
      ...refspecs,
    ]);
  }

  #run(location: Pick<Location, 'gitDir'>, args: readonly string[], maxBuffer?: number): Promise<Buffer> {
    return runGit(args, {
      cwd: location.gitDir,
      gitBinary: this.#options.gitBinary,
      timeoutMs: this.#options.timeoutMs,
      ...(maxBuffer ? { maxBuffer } : {}),
    });
  }

  async #revParse(location: Location, revision: string): Promise<string | undefined> {
    try {
      const out = await this.#run(location, [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${revision}^{commit}`,
      ]);
      return out.toString('utf8').trim();
    } catch {
      return undefined;
    }
  }
}

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  readonly path: string;
}

function parseTreeEntries(output: string): TreeEntry[] {
  return splitZ(output).map((line) => {
    const tab = line.indexOf('\t');
    const [mode = '', type = '', oid = ''] = line.slice(0, tab).split(' ');
    return { mode, type, oid, path: line.slice(tab + 1) };
  });
}

/** A short, stable, ref-safe name for `text` (a branch, a revision, a remote URL). */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
