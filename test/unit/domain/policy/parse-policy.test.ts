import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parsePolicy } from '../../../../shared/domain/policy/parse-policy.ts';

const VALID = `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["app-*", "network-*"] }
approvers: ["github:alice", "slack:U0ALICE"]
people:
  alice: ["GitHub:Alice", "slack:u0alice"]
protectedStacks: ["CDKToolkit", "StackSet-*"]
approval: { floor: 2, autoApprove: never, ttl: 12h }
adoption: { allowed: true }
slack: { teamId: T0ACME }
forks: { previews: true, previewRoleArn: "arn:aws:iam::123456789012:role/converge-preview" }
`;

function problems(text: string): string[] {
  try {
    parsePolicy(text, { file: 'policy.yaml' });
  } catch (error) {
    if (error instanceof ConfigurationError)
      return error.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
    throw error;
  }
  return [];
}

describe('parsePolicy', () => {
  it('reads every key, normalising identities', () => {
    const policy = parsePolicy(VALID, { file: 'policy.yaml' });
    expect(policy.repositories).toEqual([
      { name: 'acme/infra', branches: ['main'], stacks: ['app-*', 'network-*'] },
    ]);
    expect(policy.approvers).toEqual(['github:alice', 'slack:U0ALICE']);
    expect(policy.people).toEqual({ alice: ['github:alice', 'slack:U0ALICE'] });
    expect(policy.approval).toEqual({ floor: 2, autoApprove: 'never', ttlSeconds: 43_200 });
    expect(policy.adoption).toEqual({ allowed: true });
    expect(policy.slack).toEqual({ teamId: 'T0ACME' });
    expect(policy.forks).toEqual({
      previews: true,
      previewRoleArn: 'arn:aws:iam::123456789012:role/converge-preview',
    });
  });

  it('applies safe defaults: floor 1, no adoption, no fork previews, CDKToolkit protected', () => {
    const policy = parsePolicy(
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["*"] }\napprovers: [github:alice]\n',
      { file: 'p.yaml' },
    );
    expect(policy.approval.floor).toBe(1);
    expect(policy.adoption.allowed).toBe(false);
    expect(policy.forks.previews).toBe(false);
    expect(policy.protectedStacks).toContain('CDKToolkit');
  });

  it('lists every problem at once, located, with did-you-mean hints', () => {
    const found = problems(`version: 1
repositories:
  acme/infra: { branches: [main], stack: ["app-*"] }
approvers: ["github:alice"]
protectedStack: ["CDKToolkit"]
approval: { floor: 0 }
`);
    expect(found).toEqual([
      '3:35 unknown key "stack"; did you mean "stacks"?',
      '5:1 unknown key "protectedStack"; did you mean "protectedStacks"?',
      '6:20 must be at least 1: a change that needs approval needs a person',
    ]);
  });

  it.each([
    [
      'no approvers',
      'version: 1\nrepositories:\n  a/b: { branches: [main], stacks: ["*"] }\napprovers: []\n',
      'list at least one approver',
    ],
    [
      'no repositories',
      'version: 1\nrepositories: {}\napprovers: [github:alice]\n',
      'list at least one repository',
    ],
    [
      'a bad identity',
      'version: 1\nrepositories:\n  a/b: { branches: [main], stacks: ["*"] }\napprovers: [alice]\n',
      'names its provider',
    ],
    [
      'a bad repository name',
      'version: 1\nrepositories:\n  infra: { branches: [main], stacks: ["*"] }\napprovers: [github:a]\n',
      'owner/name',
    ],
    [
      'the same repository twice',
      'version: 1\nrepositories:\n  acme/infra: { branches: [main], stacks: ["*"] }\n  ACME/infra: { branches: [main], stacks: ["*"] }\napprovers: [github:a]\n',
      'same repository',
    ],
    [
      'one identity for two people',
      'version: 1\nrepositories:\n  a/b: { branches: [main], stacks: ["*"] }\napprovers: [github:a]\npeople:\n  a: [github:x]\n  b: [github:x]\n',
      'belongs to one person',
    ],
    [
      'fork previews without a role',
      'version: 1\nrepositories:\n  a/b: { branches: [main], stacks: ["*"] }\napprovers: [github:a]\nforks: { previews: true }\n',
      'previewRoleArn',
    ],
    [
      'a Slack user id as team id',
      'version: 1\nrepositories:\n  a/b: { branches: [main], stacks: ["*"] }\napprovers: [github:a]\nslack: { teamId: U0123 }\n',
      'workspace (team) id',
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(problems(text).join('\n')).toContain(message);
  });
});
