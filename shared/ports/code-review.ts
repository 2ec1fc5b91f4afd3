/**
 * What the webhook use cases ask the code host (GitHub) beyond a delivery's payload: which pull
 * request a revision came from, whose commits it brings in, who may write to a repository, and a
 * reply on a pull request. Every answer comes from the API, never from a payload field a
 * committer can set. Adapters: `adapters/github/github-code-review.ts`, `adapters/memory`.
 */
export interface CodeReview {
  /** The pull request, or `undefined` when it does not exist. */
  pullRequest(repository: string, pullRequest: number): Promise<PullRequestInfo | undefined>;
  /** The merged pull requests whose merge produced `revision` (their merge commit is `revision`). */
  mergedPullRequests(repository: string, revision: string): Promise<readonly PullRequestInfo[]>;
  /** The logins the code host links to the authors of a pull request's commits. */
  commitAuthors(repository: string, pullRequest: number): Promise<readonly string[]>;
  /** A user's permission on the repository (`none` for a user who is no collaborator). */
  permission(repository: string, login: string): Promise<RepositoryPermission>;
  /** Posts a comment on the pull request (a reply to a command that did not count). */
  reply(repository: string, pullRequest: number, body: string): Promise<void>;
}

/** A pull request as the code host reports it. */
export interface PullRequestInfo {
  readonly number: number;
  /** The login that opened it. */
  readonly author?: string;
  readonly headSha: string;
  readonly baseSha: string;
  /** The branch it targets (without `refs/heads/`). */
  readonly baseRef: string;
  /** Its head lives in another repository than its base (or a deleted one). */
  readonly fork: boolean;
  readonly merged: boolean;
  /** The commit its merge produced (merge, squash or rebase), once merged. */
  readonly mergeCommitSha?: string;
}

/** Repository permission levels, weakest first. */
export type RepositoryPermission = 'none' | 'read' | 'triage' | 'write' | 'maintain' | 'admin';

/** Whether a permission lets its holder push (and so ask for plans). */
export function canWrite(permission: RepositoryPermission): boolean {
  return permission === 'write' || permission === 'maintain' || permission === 'admin';
}
