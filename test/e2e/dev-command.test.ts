import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo, type GitRepo } from '../support/git-repo.ts';

const BIN = fileURLToPath(new URL('../../bin/converge.js', import.meta.url));
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

function converge(
  cwd: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: ENV, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('converge dev, as a user starts it', () => {
  let project: string;
  let repo: GitRepo;
  let dev: ChildProcess | undefined;
  let output = '';
  let cloudPort: number;
  let port: number;

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), 'converge-dev-project-'));
    repo = await createGitRepo();
    [port, cloudPort] = [await freePort(), await freePort()];
    dev = spawn(
      process.execPath,
      [
        BIN,
        'dev',
        '--port',
        String(port),
        '--cloud-port',
        String(cloudPort),
        '--repo',
        `acme/infra=${repo.dir}`,
        '--schedule-every',
        '0',
        '--log-level',
        'error',
      ],
      { cwd: project, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    dev.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    dev.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 90_000;
    while (!output.includes('Press Ctrl+C to stop.') && Date.now() < deadline) {
      if (dev.exitCode !== null) throw new Error(`converge dev exited early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) dev.kill('SIGKILL');
    await rm(project, { recursive: true, force: true });
    await repo?.remove();
  });

  it('starts its local cloud on --cloud-port and records itself for the other commands, without secrets', async () => {
    expect(output).toContain(`Converge is running at http://127.0.0.1:${port}`);
    expect(output).toContain(`Local cloud: http://127.0.0.1:${cloudPort}`);
    expect(output).toContain('npx converge push --repo acme/infra');
    const state = JSON.parse(readFileSync(join(project, '.converge', 'dev.json'), 'utf8'));
    expect(state).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      cloudEndpoint: `http://127.0.0.1:${cloudPort}`,
    });
    expect(JSON.stringify(state)).not.toMatch(/local-only-webhook-secret|xoxb|github-token/);
    const status = await converge(project, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('No stacks yet');
  });

  it('stops on SIGTERM, removes its record and closes its ports', async () => {
    const exited = new Promise<number | null>((resolve) => dev?.once('exit', (code) => resolve(code)));
    dev?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(project, '.converge', 'dev.json'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${cloudPort}/`)).rejects.toThrow();
  });

  it.each([
    [['dev', '--cloud-port', 'x'], "--cloud-port must be a whole number from 1 to 65535, got 'x'."],
    [
      ['dev', '--log-level', 'loud'],
      "--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT, got 'loud'.",
    ],
    [
      ['dev', '--cloud-port', '4566', '--cloud-endpoint', 'http://127.0.0.1:4566'],
      'with --cloud-endpoint it starts none',
    ],
  ])('refuses %j before starting anything', async (args, message) => {
    const run = await converge(project, args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(message);
  });
});
