import {
  type CommitInfo,
  RevisionRelation,
  type Source,
  SourceRevisionNotFoundError,
} from '../../shared/ports/source.ts';

/** Files per revision: revision → repository-relative path → content. */
export type MemoryRevisions = Record<string, Record<string, string | Uint8Array>>;

/** Commit graph: revision → its parents. */
export type MemoryParents = Record<string, readonly string[]>;

/**
 * An in-memory {@link Source} for one repository: a plain map of revision → path → content.
 * Reads count per path so tests can assert what was (not) read. Git history comes from
 * `parents` (set with {@link MemorySource.history}); without it, every revision descends from
 * every other, for tests about something else than order.
 *
 * @example
 * const source = new MemorySource({ abc123: { 'converge.yaml': 'version: 1\nstacks: []\n' } });
 */
export class MemorySource implements Source {
  readonly reads: string[] = [];

  #parents: MemoryParents | undefined;
  readonly #branches = new Map<string, string>();

  constructor(
    private readonly revisions: MemoryRevisions,
    private readonly commits: Record<string, CommitInfo> = {},
  ) {}

  /** Points `branch` at `revision` (`undefined` deletes it), for `branchHead`. */
  setBranch(branch: string, revision: string | undefined): this {
    if (revision === undefined) this.#branches.delete(branch);
    else this.#branches.set(branch, revision);
    return this;
  }

  async branchHead(_repository: string, branch: string): Promise<string | undefined> {
    return this.#branches.get(branch);
  }

  /** Sets the commit graph (revision → parents) that `compare` answers from. */
  history(parents: MemoryParents): this {
    this.#parents = parents;
    return this;
  }

  async compare(repository: string, base: string, head: string): Promise<RevisionRelation> {
    if (base === head) return RevisionRelation.IDENTICAL;
    const parents = this.#parents;
    if (!parents) return RevisionRelation.AHEAD;
    for (const revision of [base, head])
      if (!(revision in parents)) throw new SourceRevisionNotFoundError(repository, revision);
    if (reaches(parents, head, base)) return RevisionRelation.AHEAD;
    if (reaches(parents, base, head)) return RevisionRelation.BEHIND;
    return RevisionRelation.DIVERGED;
  }

  async readFile(_repository: string, revision: string, path: string): Promise<Uint8Array | undefined> {
    this.reads.push(`${revision}:${path}`);
    const content = this.revisions[revision]?.[path];
    if (content === undefined) return undefined;
    return typeof content === 'string' ? new TextEncoder().encode(content) : content;
  }

  async changedPaths(
    _repository: string,
    base: string | undefined,
    head: string,
  ): Promise<readonly string[]> {
    const before = base === undefined ? {} : (this.revisions[base] ?? {});
    const after = this.revisions[head] ?? {};
    const paths = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...paths].filter((path) => !sameContent(before[path], after[path])).sort();
  }

  async commit(_repository: string, revision: string): Promise<CommitInfo> {
    return (
      this.commits[revision] ?? {
        revision,
        author: 'github:alice',
        message: 'change',
        committedAt: '2026-01-01T00:00:00Z',
      }
    );
  }
}

/** Whether `ancestor` is reachable from `from` through parents. */
function reaches(parents: MemoryParents, from: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (next === ancestor) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(parents[next] ?? []));
  }
  return false;
}

function sameContent(a: string | Uint8Array | undefined, b: string | Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? new TextEncoder().encode(x) : x);
  const [x, y] = [bytes(a), bytes(b)];
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
