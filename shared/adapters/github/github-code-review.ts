import type { CodeReview, PullRequestInfo, RepositoryPermission } from '../../ports/code-review.ts';
import { validateRevision } from '../git/validate-source-input.ts';
import type { GithubClient } from './create-octokit.ts';
import { parseGithubRepository } from './github-repository.ts';
import { isHttpStatus } from './is-http-status.ts';
import { listPages } from './list-pages.ts';

export interface GithubCodeReviewOptions {
  /** From `createOctokit`. */
  readonly octokit: GithubClient;
}

/** GitHub lists at most 250 commits of a pull request; beyond that its authors are not all known. */
const MAX_COMMIT_PAGES = 3;

/**
 * {@link CodeReview} over GitHub's REST API: pulls (get, commits), the pull requests associated
 * with a commit, collaborator permission, and issue comments. A 404 is an answer (no such pull
 * request, no collaborator), never an error; anything else fails, so the delivery is retried.
 *
 * @example
 * const review = new GithubCodeReview({ octokit });
 * const [merged] = await review.mergedPullRequests('acme/infra', push.after);
 */
export class GithubCodeReview implements CodeReview {
  readonly #octokit: GithubClient;

  constructor(options: GithubCodeReviewOptions) {
    this.#octokit = options.octokit;
  }

  async pullRequest(repository: string, pullRequest: number): Promise<PullRequestInfo | undefined> {
    const { owner, repo } = parseGithubRepository(repository);
    if (!Number.isSafeInteger(pullRequest) || pullRequest < 1) return undefined;
    try {
      const { data } = await this.#octokit.rest.pulls.get({ owner, repo, pull_number: pullRequest });
      return pullRequestInfo(data, repository);
    } catch (error) {
      if (isHttpStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async mergedPullRequests(repository: string, revision: string): Promise<readonly PullRequestInfo[]> {
    const { owner, repo } = parseGithubRepository(repository);
    validateRevision(revision);
    try {
      const { data } = await this.#octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner,
        repo,
        commit_sha: revision,
        per_page: 100,
      });
      return data
        .map((pr) => pullRequestInfo(pr, repository))
        .filter((pr) => pr.merged && pr.mergeCommitSha === revision);
    } catch (error) {
      if (isHttpStatus(error, 404) || isHttpStatus(error, 422)) return [];
      throw error;
    }
  }

  async commitAuthors(repository: string, pullRequest: number): Promise<readonly string[]> {
    const { owner, repo } = parseGithubRepository(repository);
    const commits = await listPages(
      (paging) => this.#octokit.rest.pulls.listCommits({ owner, repo, pull_number: pullRequest, ...paging }),
      MAX_COMMIT_PAGES,
    );
    // `author` is the account GitHub links to the commit's author e-mail (verified by GitHub).
    const logins = new Set<string>();
    for (const commit of commits) if (commit.author?.login) logins.add(commit.author.login);
    return [...logins];
  }

  async permission(repository: string, login: string): Promise<RepositoryPermission> {
    const { owner, repo } = parseGithubRepository(repository);
    try {
      const { data } = await this.#octokit.rest.repos.getCollaboratorPermissionLevel({
        owner,
        repo,
        username: login,
      });
      // `role_name` names maintain and triage; `permission` folds them into write and read.
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      return isPermission(role) ? role : isPermission(data.permission) ? data.permission : 'none';
    } catch (error) {
      if (isHttpStatus(error, 404)) return 'none';
      throw error;
    }
  }

  async reply(repository: string, pullRequest: number, body: string): Promise<void> {
    const { owner, repo } = parseGithubRepository(repository);
    await this.#octokit.rest.issues.createComment({ owner, repo, issue_number: pullRequest, body });
  }
}

const PERMISSIONS: readonly RepositoryPermission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

function isPermission(value: unknown): value is RepositoryPermission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

interface PullShape {
  readonly number: number;
  readonly user?: { readonly login: string } | null;
  readonly head: { readonly sha: string; readonly repo?: { readonly full_name: string } | null };
  readonly base: {
    readonly sha: string;
    readonly ref: string;
    readonly repo?: { readonly full_name: string } | null;
  };
  readonly merged?: boolean;
  readonly merged_at?: string | null;
  readonly merge_commit_sha?: string | null;
}

function pullRequestInfo(data: PullShape, repository: string): PullRequestInfo {
  const head = data.head.repo?.full_name;
  const base = data.base.repo?.full_name ?? repository;
  const merged = data.merged ?? Boolean(data.merged_at);
  return {
    number: data.number,
    ...(data.user?.login ? { author: data.user.login } : {}),
    headSha: data.head.sha,
    baseSha: data.base.sha,
    baseRef: data.base.ref,
    fork: head === undefined || head.toLowerCase() !== base.toLowerCase(),
    merged,
    ...(merged && data.merge_commit_sha ? { mergeCommitSha: data.merge_commit_sha } : {}),
  };
}
