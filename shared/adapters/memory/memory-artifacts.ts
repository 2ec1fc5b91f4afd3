import type { Artifacts } from '../../ports/artifacts.ts';

/** Templates kept in memory, addressed by a fake bucket URL. */
export class MemoryArtifacts implements Artifacts {
  readonly objects = new Map<string, string>();

  async putTemplate(key: string, body: string): Promise<string> {
    this.objects.set(key, body);
    return `https://converge-artifacts.s3.amazonaws.com/${key}`;
  }
}
