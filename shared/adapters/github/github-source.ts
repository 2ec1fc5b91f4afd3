import {
  type CommitInfo,
  RevisionRelation,
  SOURCE_FILE_MAX_BYTES,
  type Source,
  SourceFileTooLargeError,
  SourceNotAFileError,
  SourceRevisionNotFoundError,
  SourceSymlinkError,
} from '../../ports/source.ts';
import { isNullRevision, validatePath, validateRevision } from '../git/validate-source-input.ts';
import type { GithubClient } from './create-octokit.ts';
import { parseGithubRepository } from './github-repository.ts';
import { isHttpStatus } from './is-http-status.ts';

export interface GithubSourceOptions {
  /** From `createOctokit`. */
  readonly octokit: GithubClient;
  /** Largest file `readFile` returns, in bytes; {@link SOURCE_FILE_MAX_BYTES} unless a test says less. */
  readonly maxFileBytes?: number;
}

/** The compare API lists at most this many files per page and may stop there. */
const COMPARE_FILES_PER_PAGE = 300;
const MAX_COMPARE_PAGES = 30;

/**
 * {@link Source} over GitHub's REST API: the contents API at a ref (files over 1 MB through the
 * git blobs API), the compare API for changed paths (every page; push payloads truncate their
 * file lists), and the commits API. Symbolic links are refused, never followed.
 *
 * @example
 * const source = new GithubSource({ octokit: createOctokit({ auth: { type: 'token', token } }) });
 * const changed = await source.changedPaths('acme/infra', push.before, push.after);
 */
export class GithubSource implements Source {
  readonly #octokit: GithubClient;
  readonly #maxFileBytes: number;

  constructor(options: GithubSourceOptions) {
    this.#octokit = options.octokit;
    this.#maxFileBytes = options.maxFileBytes ?? SOURCE_FILE_MAX_BYTES;
  }

  async readFile(repository: string, revision: string, path: string): Promise<Uint8Array | undefined> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(revision);
    validatePath(path);
    let data: Awaited<ReturnType<GithubClient['rest']['repos']['getContent']>>['data'];
    try {
      ({ data } = await this.#octokit.rest.repos.getContent({ owner, repo, path, ref: revision }));
    } catch (error) {
      if (isHttpStatus(error, 404)) {
        if (/no commit found/i.test(error.message))
          throw new SourceRevisionNotFoundError(repository, revision);
        return undefined;
      }
      throw error;
    }
    if (Array.isArray(data)) throw new SourceNotAFileError(path, 'directory');
    if (data.type === 'symlink') throw new SourceSymlinkError(path);
    if (data.type !== 'file') throw new SourceNotAFileError(path, data.type);
    // GitHub answers a link to a file with the target's content and path: a different path is a link.
    if (data.path !== path) throw new SourceSymlinkError(path);
    // The size GitHub reports decides before anything large is fetched or decoded.
    this.#checkSize(path, data.size);
    if ('content' in data && data.encoding === 'base64' && (data.content.length > 0 || data.size === 0)) {
      return decodeBase64(data.content);
    }

    // Files over 1 MB come without content: read the blob itself.
    const blob = await this.#octokit.rest.git.getBlob({ owner, repo, file_sha: data.sha });
    this.#checkSize(path, blob.data.size ?? 0);
    const bytes = decodeBase64(blob.data.content);
    this.#checkSize(path, bytes.byteLength);
    return bytes;
  }

  /** Throws {@link SourceFileTooLargeError} naming `path` when `bytes` is over the cap. */
  #checkSize(path: string, bytes: number): void {
    if (bytes > this.#maxFileBytes) throw new SourceFileTooLargeError(path, bytes, this.#maxFileBytes);
  }

  async changedPaths(repository: string, base: string | undefined, head: string): Promise<readonly string[]> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(head);
    if (base === undefined || isNullRevision(base)) return [...(await this.#tree(repository, head)).keys()];
    validateRevision(base);

    // Walk every page of the comparison, old and new names of renames included.
    const paths = new Set<string>();
    let truncated = false;
    for (let page = 1; page <= MAX_COMPARE_PAGES; page++) {
      const response = await this.#octokit.rest.repos
        .compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 100, page })
        .catch((error: unknown) => {
          if (isHttpStatus(error, 404))
            throw new SourceRevisionNotFoundError(repository, `${base}...${head}`);
          throw error;
        });
      const files = response.data.files ?? [];
      for (const file of files) {
        paths.add(file.filename);
        if (file.previous_filename) paths.add(file.previous_filename);
      }
      const hasNext = /rel="next"/.test(response.headers.link ?? '');
      if (!hasNext) {
        truncated = files.length >= COMPARE_FILES_PER_PAGE;
        break;
      }
      if (page === MAX_COMPARE_PAGES) truncated = true;
    }
    if (!truncated) return [...paths];

    // The comparison stopped at its file limit: compare the two trees instead, which is exact.
    const [before, after] = await Promise.all([this.#tree(repository, base), this.#tree(repository, head)]);
    const changed = new Set<string>();
    for (const [path, sha] of after) if (before.get(path) !== sha) changed.add(path);
    for (const path of before.keys()) if (!after.has(path)) changed.add(path);
    return [...changed];
  }

  async commit(repository: string, revision: string): Promise<CommitInfo> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(revision);
    const { data } = await this.#octokit.rest.repos
      .getCommit({ owner, repo, ref: revision })
      .catch((error: unknown) => {
        if (isHttpStatus(error, 404) || isHttpStatus(error, 422))
          throw new SourceRevisionNotFoundError(repository, revision);
        throw error;
      });
    const author = data.commit.author;
    const name = author?.name ?? data.author?.login ?? 'unknown';
    return {
      revision: data.sha,
      author: data.author && 'login' in data.author ? data.author.login : name,
      authorName: name,
      ...(author?.email ? { authorEmail: author.email } : {}),
      message: data.commit.message,
      committedAt: new Date(data.commit.committer?.date ?? author?.date ?? 0).toISOString(),
    };
  }

  /**
   * GitHub's compare API names the relation itself (`status`); one commit and one file per page
   * keep the answer small, since only the status is read.
   */
  async compare(repository: string, base: string, head: string): Promise<RevisionRelation> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(base);
    validateRevision(head);
    const { data } = await this.#octokit.rest.repos
      .compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1, page: 1 })
      .catch((error: unknown) => {
        if (isHttpStatus(error, 404) || isHttpStatus(error, 422))
          throw new SourceRevisionNotFoundError(repository, `${base}...${head}`);
        throw error;
      });
    const relation = Object.values(RevisionRelation).find((r) => r === data.status);
    if (!relation) throw new GithubCompareStatusError(repository, `${base}...${head}`, String(data.status));
    return relation;
  }

  /** The git refs API: `heads/<branch>` names exactly that branch (no prefix matching), 404 when absent. */
  async branchHead(repository: string, branch: string): Promise<string | undefined> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(branch);
    try {
      const { data } = await this.#octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      if (isHttpStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Every blob path at `revision`, with its blob SHA. */
  async #tree(repository: string, revision: string): Promise<Map<string, string>> {
    const { owner, repo } = parseGithubRepository(repository);
    const { data } = await this.#octokit.rest.git
      .getTree({ owner, repo, tree_sha: revision, recursive: 'true' })
      .catch((error: unknown) => {
        if (isHttpStatus(error, 404) || isHttpStatus(error, 422))
          throw new SourceRevisionNotFoundError(repository, revision);
        throw error;
      });
    if (data.truncated) {
      throw new GithubTreeTooLargeError(repository, revision);
    }
    const entries = new Map<string, string>();
    for (const entry of data.tree)
      if (entry.type === 'blob' && entry.path && entry.sha) entries.set(entry.path, entry.sha);
    return entries;
  }
}

/** GitHub truncated a recursive tree listing (over 100,000 entries): the changed paths cannot be known exactly. */
export class GithubTreeTooLargeError extends Error {
  constructor(
    readonly repository: string,
    readonly revision: string,
  ) {
    super(
      `the tree of ${repository} at ${revision} is too large for GitHub to list in one response; use the git source for this repository`,
    );
    this.name = 'GithubTreeTooLargeError';
  }
}

/** GitHub answered a comparison with a status Converge does not know, so the order of two revisions is unknown. */
export class GithubCompareStatusError extends Error {
  constructor(
    readonly repository: string,
    readonly basehead: string,
    readonly status: string,
  ) {
    super(
      `GitHub compared ${basehead} in ${repository} as "${status}", not ahead, behind, diverged or identical; plan the revision again later`,
    );
    this.name = 'GithubCompareStatusError';
  }
}

function decodeBase64(content: string): Uint8Array {
  const bytes = Buffer.from(content.replace(/\s/g, ''), 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
