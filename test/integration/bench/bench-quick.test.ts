import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A table row: name, runs, median, spread, ratio (or "baseline"). */
function row(output: string, name: string): RegExpMatchArray | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return output.match(
    new RegExp(`^  ${escaped}\\s+1\\s+([\\d.]+)\\s+[\\d.]+\\.\\.[\\d.]+\\s+(baseline|[\\d.]+x)`, 'm'),
  );
}

describe('npm run bench -- --quick', () => {
  it('runs every suite once, with real servers and the AWS CLI, and prints one row per case', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 540_000 },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `the quick bench failed: ${error.message}\n${error.stderr ?? ''}\n${error.stdout ?? ''}`,
      );
    });

    for (const name of [
      'aws cloudformation deploy',
      'push -> SUCCEEDED (host, auto-approved)',
      'HMAC-SHA256 + JSON.parse',
      'webhook handler (push -> plan job)',
      'node (no import)',
      'import webhook',
      'import plan',
      'floor (10 stacks / 20 per s)',
      'sweep (shipped settings)',
      'aws CLI loop (2 run, x5)',
      'naive (every glob x path)',
      'indexed (prebuilt)',
    ]) {
      const found = row(stdout, name);
      expect(found, `a row for "${name}" in:\n${stdout}`).not.toBeNull();
      expect(Number(found![1])).toBeGreaterThan(0);
    }
    // The AWS calls of a deployment, by operation, for Converge and the CLI.
    expect(stdout).toMatch(/cloudformation\.CreateChangeSet\s+1\s+1\s+1/);
    expect(stdout).toMatch(/quick run/);
  }, 600_000);
});
