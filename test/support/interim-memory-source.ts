import type { CommitInfo, Source } from '../../shared/ports/source.ts';

/**
 * Stand-in for the memory source another branch is building: repositories as maps of revision
 * to files. Deleted when it lands.
 */
export class InterimMemorySource implements Source {
  private readonly revisions = new Map<string, Map<string, string>>();
  readonly comparisons: { base: string | undefined; head: string }[] = [];
  changed: string[] = [];

  /** Adds a revision of `repository` with these files. */
  commitFiles(repository: string, revision: string, files: Record<string, string>): this {
    this.revisions.set(`${repository}@${revision}`, new Map(Object.entries(files)));
    return this;
  }

  async readFile(repository: string, revision: string, path: string): Promise<Uint8Array | undefined> {
    const text = this.revisions.get(`${repository}@${revision}`)?.get(path);
    return text === undefined ? undefined : new TextEncoder().encode(text);
  }

  async changedPaths(
    _repository: string,
    base: string | undefined,
    head: string,
  ): Promise<readonly string[]> {
    this.comparisons.push({ base, head });
    return this.changed;
  }

  async commit(_repository: string, revision: string): Promise<CommitInfo> {
    return { revision, author: 'alice', message: 'change', committedAt: '2026-01-01T00:00:00.000Z' };
  }
}
