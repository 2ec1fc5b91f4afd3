import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Registered while the importing test file is collected (vitest isolates each file's modules),
// so every directory a file made is gone when that file's tests end.
afterAll(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
});

/**
 * A fresh directory under the system's temp folder, removed when the test file that made it
 * finishes, so a test run leaves nothing behind even where a test has no teardown of its own.
 *
 * @example
 * const outdir = tempDir('converge-cdk-out-');
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
