import { describe, expect, it } from 'vitest';
import { listPages, type PageRequest } from '../../../../shared/adapters/github/list-pages.ts';

/** A paged list of `total` numbers, recording each request. */
function pagedList(total: number) {
  const requests: PageRequest[] = [];
  const list = async (paging: PageRequest) => {
    requests.push(paging);
    const start = (paging.page - 1) * paging.per_page;
    const data = Array.from(
      { length: Math.max(0, Math.min(paging.per_page, total - start)) },
      (_, i) => start + i,
    );
    return { data };
  };
  return { list, requests };
}

describe('listPages', () => {
  it('reads pages of 100 until one comes back short', async () => {
    const { list, requests } = pagedList(250);
    const items = await listPages(list, 10);
    expect(items).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(requests).toEqual([1, 2, 3].map((page) => ({ per_page: 100, page })));
  });

  it('asks once more after a full last page, and stops at the empty one', async () => {
    const { list, requests } = pagedList(200);
    expect(await listPages(list, 10)).toHaveLength(200);
    expect(requests.map((request) => request.page)).toEqual([1, 2, 3]);
  });

  it('stops at the page cap however long the list is', async () => {
    const { list, requests } = pagedList(10_000);
    expect(await listPages(list, 3)).toHaveLength(300);
    expect(requests).toHaveLength(3);
  });
});
