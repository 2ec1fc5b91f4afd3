import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDevState } from '../../../cli/dev-state.ts';
import { type E2e, REGION } from './e2e-harness.ts';

const BIN = fileURLToPath(new URL('../../../bin/converge.js', import.meta.url));

/** What one run of the `converge` binary answered. */
export interface ConvergeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `converge` binary in `cwd`, with a clean environment (no CONVERGE_* settings). */
export function runConverge(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ConvergeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Writes what `converge dev` records for other commands in `project` (the state file and the
 * functions' environment file), for the host this test process runs.
 */
export async function recordDevHost(
  e2e: E2e,
  project: string,
  repositories: readonly string[],
): Promise<void> {
  const environmentFile = join(project, 'functions.env');
  await writeFile(
    environmentFile,
    Object.entries(e2e.host.environment)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    { mode: 0o600 },
  );
  writeDevState(project, {
    environmentFile,
    pid: process.pid,
    url: e2e.host.url,
    cloudEndpoint: e2e.host.cloudEndpoint,
    region: REGION,
    tableName: e2e.host.tableName,
    startedAt: new Date().toISOString(),
    repositories: Object.fromEntries(
      repositories.map((name) => [`acme/${name}`, e2e.repository(name).repo.dir]),
    ),
    webhookSecret: 'environment',
  });
}
