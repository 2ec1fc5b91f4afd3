import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/converge-app.ts';

const run = promisify(execFile);

/** Runs the real `converge` binary and returns its exit code and output. */
async function converge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'converge.js'), ...args],
      {
        cwd: directory,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const directory = mkdtempSync(join(tmpdir(), 'converge-validate-'));
function policyFile(name: string, text: string): string {
  writeFileSync(join(directory, name), text);
  return name;
}

describe('converge validate --policy', () => {
  it('prints what a valid policy serves and exits 0', async () => {
    const file = policyFile(
      'good.yaml',
      `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["app-*", "network-*"] }
approvers: ["github:alice", "slack:U0ALICE"]
people:
  alice: ["github:alice", "slack:U0ALICE"]
approval: { floor: 2, ttl: 12h }
slack: { teamId: T0ACME }
`,
    );
    const result = await converge('validate', '--policy', file);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'good.yaml: valid control-plane policy',
        '    acme/infra: branches main; stacks app-*, network-*',
        '  approvers: github:alice, slack:U0ALICE',
        '  protected stacks: CDKToolkit, StackSet-*',
        '  approval: at least 2, autoApprove at most safe, requests expire after 12h',
        '  Slack votes: workspace T0ACME only',
        '  fork previews: off',
      ]),
    );
  }, 60_000);

  it('prints every problem at file:line:col, with a did-you-mean, and exits 1', async () => {
    const file = policyFile(
      'bad.yaml',
      `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["app-*"] }
approvers: []
aprovers: [github:bob]
`,
    );
    const result = await converge('validate', '--policy', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'bad.yaml: the control-plane policy has 2 problems:',
      'bad.yaml:4:12 approvers: list at least one approver: they approve first deployments and adoptions',
      'bad.yaml:5:1 aprovers: unknown key "aprovers"; did you mean "approvers"?',
    ]);
  }, 60_000);

  it('reports a rule that spans keys once the keys themselves are valid', async () => {
    const file = policyFile(
      'forks.yaml',
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["*"] }\napprovers: [github:alice]\nforks: { previews: true }\n',
    );
    const result = await converge('validate', '--policy', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^forks\.yaml:5:\d+ forks: fork previews need "previewRoleArn"/m);
  }, 60_000);

  it('says when the file cannot be read and exits 1', async () => {
    const result = await converge('validate', '--policy', 'missing.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.yaml: cannot be read (ENOENT); check the path.');
  }, 60_000);

  it('refuses to run with nothing to validate', async () => {
    const result = await converge('validate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing to validate: pass --policy FILE');
  }, 60_000);
});
