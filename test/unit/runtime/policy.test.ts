import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy, PolicyInvalidError } from '../../../shared/runtime/policy.ts';

const dir = mkdtempSync(join(tmpdir(), 'converge-policy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadPolicy', () => {
  it('reads and parses the policy file', () => {
    const path = file(
      'ok.yaml',
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["*"] }\napprovers: [github:alice]\n',
    );
    expect(loadPolicy(path).approvers).toEqual(['github:alice']);
  });

  it('fails closed when no policy file is configured, saying how to give one', () => {
    expect(() => loadPolicy(undefined)).toThrow(PolicyInvalidError);
    expect(() => loadPolicy(undefined)).toThrow(/CONVERGE_POLICY_FILE is not set.*--policy FILE/);
  });

  it('fails closed on a file that cannot be read', () => {
    expect(() => loadPolicy(join(dir, 'missing.yaml'))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('fails closed on an invalid policy, with every located problem', () => {
    const path = file('bad.yaml', 'version: 1\nrepositories: {}\napprovers: []\n');
    expect(() => loadPolicy(path)).toThrow(
      /bad\.yaml:2:15 repositories: list at least one repository[\s\S]*bad\.yaml:3:12 approvers: list at least one approver/,
    );
  });
});
