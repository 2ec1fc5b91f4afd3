/**
 * Reads the infrastructure repository at an exact revision (a commit SHA).
 * Adapters: `adapters/github` (Octokit) and `adapters/git` (the `git` command).
 */
export interface Source {
  /** The file's bytes at `revision`, or `undefined` when it does not exist there. */
  readFile(repository: string, revision: string, path: string): Promise<Uint8Array | undefined>;
  /** Paths changed between two revisions (`base` may be undefined for a first push). */
  changedPaths(repository: string, base: string | undefined, head: string): Promise<readonly string[]>;
  /** Commit metadata for lead time and self-approval checks. */
  commit(repository: string, revision: string): Promise<CommitInfo>;
}

export interface CommitInfo {
  readonly revision: string;
  readonly author: string;
  readonly message: string;
  readonly committedAt: string;
}
