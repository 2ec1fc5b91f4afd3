import type { CommitInfo, Source } from '../../shared/ports/source.ts';

/** Files per revision: revision → repository-relative path → content. */
export type MemoryRevisions = Record<string, Record<string, string | Uint8Array>>;

/**
 * An in-memory {@link Source} for one repository: a plain map of revision → path → content.
 * Reads count per path so tests can assert what was (not) read.
 *
 * @example
 * const source = new MemorySource({ abc123: { 'converge.yaml': 'version: 1\nstacks: []\n' } });
 */
export class MemorySource implements Source {
  readonly reads: string[] = [];

  constructor(
    private readonly revisions: MemoryRevisions,
    private readonly commits: Record<string, CommitInfo> = {},
  ) {}

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

function sameContent(a: string | Uint8Array | undefined, b: string | Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? new TextEncoder().encode(x) : x);
  const [x, y] = [bytes(a), bytes(b)];
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
