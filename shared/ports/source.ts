/**
 * Reads the infrastructure repository at an exact revision (a commit SHA).
 * Adapters: `adapters/github` (Octokit) and `adapters/git` (the `git` command).
 */
export interface Source {
  /**
   * The file's bytes at `revision`, or `undefined` when it does not exist there. Throws
   * `SourceSymlinkError` for a symbolic link, `SourcePathInvalidError` for a path that could
   * leave the repository, `SourceRevisionInvalidError` for an unsafe revision.
   */
  readFile(repository: string, revision: string, path: string): Promise<Uint8Array | undefined>;
  /** Paths changed between two revisions (`base` may be undefined for a first push). */
  changedPaths(repository: string, base: string | undefined, head: string): Promise<readonly string[]>;
  /** Commit metadata for lead time and self-approval checks. */
  commit(repository: string, revision: string): Promise<CommitInfo>;
  /**
   * Where `head` stands in Git history relative to `base`: `ahead` when `head` descends from
   * `base`, `behind` when it is an ancestor of `base`, `diverged` when neither (a rewritten
   * history), `identical` when both name the same commit. Throws
   * `SourceRevisionNotFoundError` when either commit is not in the repository.
   *
   * @example
   * if ((await source.compare(repository, applied, pushed)) === 'behind') { ... } // a late delivery
   */
  compare(repository: string, base: string, head: string): Promise<RevisionRelation>;
  /**
   * The commit SHA `branch` (a branch name such as `main`, not a glob) points at now, read from
   * the repository itself (a remote is fetched first), or `undefined` when there is no such
   * branch. How Converge finds a push whose webhook never came. Throws
   * `SourceRevisionInvalidError` for an unsafe branch name.
   *
   * @example
   * const head = await source.branchHead('acme/infra', 'main'); // '9fceb02d0ae598e95dc970b74767f19372d61af8'
   */
  branchHead(repository: string, branch: string): Promise<string | undefined>;
}

/** How one revision relates to another in Git history (the words of GitHub's compare API). */
export const RevisionRelation = {
  IDENTICAL: 'identical',
  AHEAD: 'ahead',
  BEHIND: 'behind',
  DIVERGED: 'diverged',
} as const;
export type RevisionRelation = (typeof RevisionRelation)[keyof typeof RevisionRelation];

export interface CommitInfo {
  /** The full commit SHA. */
  readonly revision: string;
  /** The GitHub login when the source knows it, else the author's name. */
  readonly author: string;
  readonly authorName?: string;
  readonly authorEmail?: string;
  readonly message: string;
  /** Committer date, ISO 8601: when the change landed on the branch. */
  readonly committedAt: string;
}

/**
 * `path` is a symbolic link at the revision. Converge never follows links: one could point
 * outside the repository, or make a reviewed path read unreviewed content.
 */
export class SourceSymlinkError extends Error {
  constructor(readonly path: string) {
    super(
      `"${path}" is a symbolic link in the repository; Converge reads regular files only, so commit the file itself`,
    );
    this.name = 'SourceSymlinkError';
  }
}

/** A path that is not a plain repository-relative file path (absolute, `..`, empty segments, control characters). */
export class SourcePathInvalidError extends Error {
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(
      `path ${JSON.stringify(path)} is not allowed: ${why}; use a path relative to the repository root, like stacks/network.yaml`,
    );
    this.name = 'SourcePathInvalidError';
  }
}

/** `path` exists at the revision but is a directory or a submodule, not a file. */
export class SourceNotAFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`"${path}" is a ${kind} in the repository, not a file`);
    this.name = 'SourceNotAFileError';
  }
}

/** A revision that is neither a commit SHA nor a safe ref name (e.g. option-like input). */
export class SourceRevisionInvalidError extends Error {
  constructor(
    readonly revision: string,
    why: string,
  ) {
    super(
      `revision ${JSON.stringify(revision)} is not allowed: ${why}; use a commit SHA or a branch or tag name`,
    );
    this.name = 'SourceRevisionInvalidError';
  }
}

/** The revision does not exist in the repository (not pushed yet, or garbage-collected). */
export class SourceRevisionNotFoundError extends Error {
  constructor(
    readonly repository: string,
    readonly revision: string,
  ) {
    super(`revision ${revision} was not found in ${repository}; check that it was pushed`);
    this.name = 'SourceRevisionNotFoundError';
  }
}

/** The repository name or location cannot be used (unknown scheme, option-like, not a repository). */
export class SourceRepositoryInvalidError extends Error {
  constructor(
    readonly repository: string,
    why: string,
  ) {
    super(`repository ${JSON.stringify(repository)} cannot be read: ${why}`);
    this.name = 'SourceRepositoryInvalidError';
  }
}

/**
 * Largest file any {@link Source} reads, in bytes (10 MiB): far above CloudFormation's 1 MB
 * template limit, low enough that a huge file committed by mistake (or on purpose) cannot
 * exhaust a function's memory. Every adapter enforces it and throws {@link SourceFileTooLargeError}.
 */
export const SOURCE_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** The file is larger than the source is configured to read. */
export class SourceFileTooLargeError extends Error {
  constructor(
    readonly path: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `"${path}" is ${bytes} bytes, over the ${limit}-byte limit for files Converge reads; templates must stay under 1 MB`,
    );
    this.name = 'SourceFileTooLargeError';
  }
}
