import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo, type GitRepo } from '../support/git-repo.ts';
import { waitFor } from '../support/wait-for.ts';
import { convergeYaml, template } from './support/e2e-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/converge.js', import.meta.url));

/** The environment without any CONVERGE_* setting, as a new user's shell has it. */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CONVERGE_')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `converge dev --poll 1` through the real binary: a commit on the mapped repository, and no
 * push sent at all, is planned, approved and applied.
 */
describe('converge dev --poll', () => {
  let repo: GitRepo;
  let project: string;
  let dev: ChildProcess | undefined;
  let output = '';

  const waitForOutput = (pattern: RegExp, what: string, timeoutMs = 60_000) =>
    waitFor(
      () => pattern.exec(output),
      (match) => match !== null,
      { what, timeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; output so far:\n${output.slice(-3000)}`);
    }) as Promise<RegExpExecArray>;

  beforeAll(async () => {
    repo = await createGitRepo();
    project = await mkdtemp(join(tmpdir(), 'converge-dev-poll-'));
  });
  afterAll(async () => {
    if (dev?.pid && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev!.once('exit', resolve));
      process.kill(dev.pid, 'SIGTERM');
      await exited;
    }
    await repo?.remove();
    await rm(project, { recursive: true, force: true });
  });

  it('refuses a --poll that is not a whole number of seconds, starting nothing', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'dev', '--poll', 'soon', '--repo', `acme/infra=${repo.dir}`],
        { cwd: project, env: cleanEnvironment(), timeout: 30_000 },
        (error, _stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
      );
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "--poll must be a whole number of seconds (0 turns polling off), got 'soon'",
    );
    expect(run.stderr).not.toMatch(/Starting Converge/);
  });

  it('plans and applies a commit that no webhook announced', async () => {
    const port = await freePort();
    dev = spawn(
      process.execPath,
      [BIN, 'dev', '--port', String(port), '--poll', '1', '--repo', `acme/infra=${repo.dir}`],
      {
        cwd: project,
        env: cleanEnvironment(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    dev.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    dev.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitForOutput(/Polling the tracked branches every 1 s/, 'converge dev to start polling', 120_000);

    const sha = await repo.commit({
      files: { 'converge.yaml': convergeYaml(['dev-polled']), 'stacks/dev-polled.yaml': template('v1') },
      message: 'add dev-polled, without a push',
    });
    const [, approveUrl] = await waitForOutput(
      /approve: curl -X POST (\S+\/local\/approve\/\S+)/,
      'the approval request of the polled commit',
    );
    expect(output).toContain('dev-polled');
    const approved = await fetch(approveUrl!, { method: 'POST' });
    expect(approved.status).toBe(200);

    // Applied at the commit, by polling alone: `converge status` finds the host by itself.
    const deadline = Date.now() + 60_000;
    let applied: string | undefined;
    while (Date.now() < deadline && applied !== sha) {
      const status = await new Promise<string>((resolve) => {
        execFile(
          process.execPath,
          [BIN, 'status', '--json'],
          { cwd: project, env: cleanEnvironment(), timeout: 30_000 },
          (_error, stdout) => resolve(stdout),
        );
      });
      const stacks = JSON.parse(status || '[]') as { stack?: string; applied?: { revision: string } }[];
      applied = stacks.find((s) => JSON.stringify(s).includes('dev-polled'))?.applied?.revision;
      if (applied !== sha) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(applied).toBe(sha);
  }, 240_000);
});
