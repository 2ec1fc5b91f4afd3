/** The most items GitHub returns in one page of a list. */
const PAGE_SIZE = 100;

/** The paging arguments of one request: spread into the Octokit call. */
export interface PageRequest {
  readonly per_page: number;
  readonly page: number;
}

/**
 * Every item of a paged GitHub list, at most `maxPages` pages of 100: pages are read in order
 * until one comes back short. The cap keeps a very long list from using up the invocation.
 *
 * @example
 * const commits = await listPages(
 *   (paging) => octokit.rest.pulls.listCommits({ owner, repo, pull_number: 7, ...paging }),
 *   3,
 * );
 */
export async function listPages<T>(
  list: (paging: PageRequest) => Promise<{ readonly data: readonly T[] }>,
  maxPages: number,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await list({ per_page: PAGE_SIZE, page });
    items.push(...data);
    if (data.length < PAGE_SIZE) break;
  }
  return items;
}
