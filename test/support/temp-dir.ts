import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let registered = false;

/**
 * A fresh directory under the system's temp folder, removed when the test process exits, so a
 * test run leaves nothing behind even where a test has no teardown of its own.
 *
 * @example
 * const outdir = tempDir('converge-cdk-out-');
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!registered) {
    registered = true;
    process.once('exit', () => {
      for (const path of made) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}
