import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
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
        "  target accounts: none: every stack lands in Converge's own account",
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

  it('checks the current directory when no DIR is given, here one without converge.yaml', async () => {
    const result = await converge('validate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'converge.yaml:1:1 (document): file not found; add it at the repository root or name the right file',
    );
  }, 60_000);
});

/** A working tree with one stack whose template and parameter file are both valid. */
function workingTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'converge-validate-dir-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
const trees: string[] = [];
afterAll(() => {
  for (const root of [directory, ...trees]) rmSync(root, { recursive: true, force: true });
});

const QUEUE_TEMPLATE =
  'Parameters:\n  Env: { Type: String }\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n';
const GOOD = {
  'converge.yaml': [
    'version: 1',
    'defaults:',
    '  region: eu-west-1',
    'stacks:',
    '  - name: app-queue',
    '    template: stacks/queue.yaml',
    '    parameters: stacks/queue.json',
    '  - name: app-queue-eu',
    '    template: stacks/queue.yaml',
    '    parameters: { Env: eu }',
    '',
  ].join('\n'),
  'stacks/queue.yaml': QUEUE_TEMPLATE,
  'stacks/queue.json': '{ "Env": "prod" }\n',
};

describe('converge validate DIR', () => {
  it('says what it checked in one line and exits 0 for a valid working tree', async () => {
    const root = workingTree(GOOD);
    const result = await converge('validate', root);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(
      `${join(root, 'converge.yaml')}: valid, 2 stacks (app-queue, app-queue-eu), 2 files checked`,
    );
  }, 60_000);

  it('prints every problem of the configuration, its templates and parameter files at once, and exits 1', async () => {
    const root = workingTree({
      ...GOOD,
      'converge.yaml': GOOD['converge.yaml']
        .replace('  region: eu-west-1', '  region: eu-west-1\n  approval: { required: none }')
        .concat('  - name: app-topic\n    template: stacks/topic.yaml\n'),
      'stacks/queue.yaml':
        'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Reff Env }\n',
      'stacks/queue.json': '[{ "ParameterKey": "Env", "UsePreviousValue": true }]\n',
    });
    const result = await converge('validate', root);
    expect(result.code).toBe(1);
    const at = (file: string) => join(root, file);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${at('converge.yaml')}: 4 problems:`,
      `${at('converge.yaml')}:4:25 defaults.approval.required: must be a whole number of approvals (0 for none)`,
      `${at('converge.yaml')}:13:15 stacks[2].template: file not found; check the path and that the file is committed`,
      `${at('stacks/queue.json')}:1:27 [0].UsePreviousValue: UsePreviousValue is not supported: Git holds every value; write ParameterValue instead`,
      `${at('stacks/queue.yaml')}:4:30 (document): unknown tag !Reff; use a CloudFormation function such as !Ref, !Sub or !GetAtt`,
    ]);
  }, 60_000);

  it('refuses a symbolic link in the working tree, which could read outside it', async () => {
    const root = workingTree(GOOD);
    rmSync(join(root, 'stacks/queue.json'));
    symlinkSync('/etc/hostname', join(root, 'stacks/queue.json'));
    const result = await converge('validate', root);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${join(root, 'converge.yaml')}:7:17 stacks[0].parameters: "stacks/queue.json" is a symbolic link`,
    );
  }, 60_000);

  it('checks DIR and the policy together', async () => {
    const root = workingTree(GOOD);
    const policy = policyFile(
      'both.yaml',
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["app-*"] }\napprovers: ["github:alice"]\n',
    );
    const result = await converge('validate', root, '--policy', policy);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('2 stacks (app-queue, app-queue-eu)');
    expect(result.stdout).toContain('both.yaml: valid control-plane policy');
  }, 60_000);
});
