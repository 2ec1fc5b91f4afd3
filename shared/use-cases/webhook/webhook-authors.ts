import type { CodeReview } from '../../ports/code-review.ts';
import type { PullRequestPayload, PushPayload } from '../../ports/webhook.ts';

/**
 * Everyone a push is attributed to, from authenticated sources only: the account that pushed
 * (`sender`, `pusher`) and, for a merge, each merged pull request's author and the logins the
 * code host links to its commits. Never `head_commit.author`, which the committer writes and so
 * could name anyone. The first is the one who pushed.
 *
 * @example
 * const authors = await pushAuthors(deps, 'acme/infra', payload); // ['bob', 'alice']
 */
export async function pushAuthors(
  { codeReview }: { codeReview: CodeReview },
  repository: string,
  payload: Pick<PushPayload, 'after' | 'sender' | 'pusher'>,
): Promise<readonly string[]> {
  const authors = [payload.sender?.login, payload.pusher?.name ?? undefined];
  for (const merged of await codeReview.mergedPullRequests(repository, payload.after)) {
    authors.push(merged.author, ...(await codeReview.commitAuthors(repository, merged.number)));
  }
  return unique(authors);
}

/** Everyone a pull request preview is attributed to: its author and whoever triggered the event. */
export function pullRequestAuthors(
  payload: Pick<PullRequestPayload, 'pull_request' | 'sender'>,
): readonly string[] {
  return unique([payload.pull_request.user?.login, payload.sender?.login]);
}

/** Logins, lower-cased (GitHub logins are case-insensitive), each once, blanks dropped. */
export function unique(logins: readonly (string | undefined | null)[]): readonly string[] {
  return [
    ...new Set(
      logins
        .filter((login): login is string => typeof login === 'string' && login.trim() !== '')
        .map((l) => l.toLowerCase()),
    ),
  ];
}
