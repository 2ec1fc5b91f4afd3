import type { CodeReview, PullRequestInfo, RepositoryPermission } from '../../ports/code-review.ts';

/**
 * {@link CodeReview} in memory, for tests: pull requests, commit authors and permissions are
 * set by the test; replies are kept in `replies`.
 *
 * @example
 * const review = new MemoryCodeReview();
 * review.pullRequests.set('acme/infra#7', { number: 7, merged: true, mergeCommitSha: sha, ... });
 */
export class MemoryCodeReview implements CodeReview {
  /** Keyed `owner/name#number`. */
  readonly pullRequests = new Map<string, PullRequestInfo>();
  /** Keyed `owner/name#number`. */
  readonly authorsOfCommits = new Map<string, readonly string[]>();
  /** Keyed `owner/name@login`; anyone else has `none`. */
  readonly permissions = new Map<string, RepositoryPermission>();
  readonly replies: { repository: string; pullRequest: number; body: string }[] = [];

  async pullRequest(repository: string, pullRequest: number): Promise<PullRequestInfo | undefined> {
    return this.pullRequests.get(`${repository}#${pullRequest}`);
  }

  async mergedPullRequests(repository: string, revision: string): Promise<readonly PullRequestInfo[]> {
    return [...this.pullRequests.entries()]
      .filter(([key, pr]) => key.startsWith(`${repository}#`) && pr.merged && pr.mergeCommitSha === revision)
      .map(([, pr]) => pr);
  }

  async commitAuthors(repository: string, pullRequest: number): Promise<readonly string[]> {
    return this.authorsOfCommits.get(`${repository}#${pullRequest}`) ?? [];
  }

  async permission(repository: string, login: string): Promise<RepositoryPermission> {
    return this.permissions.get(`${repository}@${login}`) ?? 'none';
  }

  async reply(repository: string, pullRequest: number, body: string): Promise<void> {
    this.replies.push({ repository, pullRequest, body });
  }
}
