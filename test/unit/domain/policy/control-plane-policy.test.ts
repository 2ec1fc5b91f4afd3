import { describe, expect, it } from 'vitest';
import type { ApprovalRequirement } from '../../../../shared/domain/approval/approval.ts';
import {
  controlPlaneRequirement,
  holdToPolicy,
  isTrackedBranch,
  stackPermission,
  stricterRequirement,
} from '../../../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../../../shared/domain/policy/parse-policy.ts';

const policy = parsePolicy(
  `version: 1
repositories:
  acme/infra: { branches: [main, "release/*"], stacks: ["app-*"] }
approvers: [github:alice, slack:U0ALICE]
people:
  alice: [github:alice, slack:U0ALICE]
protectedStacks: [CDKToolkit, "app-core"]
approval: { floor: 2, autoApprove: safe }
`,
  { file: 'policy.yaml' },
);

const rule = (overrides: Partial<ApprovalRequirement> = {}): ApprovalRequirement => ({
  required: 1,
  approvers: [],
  allowSelfApproval: false,
  autoApprove: 'always',
  ttlSeconds: 3600,
  ...overrides,
});

describe('isTrackedBranch', () => {
  it.each([
    ['acme/infra', 'refs/heads/main', true],
    ['ACME/Infra', 'refs/heads/main', true],
    ['acme/infra', 'refs/heads/release/1.2', true],
    ['acme/infra', 'refs/heads/bob/x', false],
    ['acme/infra', 'refs/tags/main', false],
    ['acme/other', 'refs/heads/main', false],
  ])('%s %s → %s', (repository, ref, expected) => {
    expect(isTrackedBranch(policy, repository, ref)).toBe(expected);
  });
});

describe('stackPermission', () => {
  it('allows a stack matching the repository globs', () => {
    expect(stackPermission(policy, 'acme/infra', 'app-web')).toEqual({ allowed: true });
  });
  it.each([
    ['acme/infra', 'network-prod', 'may manage stacks matching app-*'],
    ['acme/infra', 'CDKToolkit', 'protected'],
    ['acme/infra', 'app-core', 'protected'],
    ['acme/other', 'app-web', 'not a repository the control-plane policy serves'],
  ])('refuses %s managing %s', (repository, stack, reason) => {
    const permission = stackPermission(policy, repository, stack);
    expect(permission.allowed).toBe(false);
    expect(permission.allowed ? '' : permission.reason).toContain(reason);
  });
});

describe('controlPlaneRequirement', () => {
  it('is the control-plane approvers at the floor, never auto-approved', () => {
    expect(controlPlaneRequirement(policy)).toMatchObject({
      required: 2,
      approvers: ['github:alice', 'slack:U0ALICE'],
      autoApprove: 'never',
      allowSelfApproval: false,
    });
  });
});

describe('holdToPolicy', () => {
  it('raises the count to the floor, caps auto-approval, and reads approvers [] as the control-plane approvers', () => {
    expect(holdToPolicy(policy, rule({ required: 0 }))).toMatchObject({
      required: 2,
      approvers: ['github:alice', 'slack:U0ALICE'],
      autoApprove: 'safe',
    });
  });
  it('keeps a stricter repository rule', () => {
    expect(
      holdToPolicy(policy, rule({ required: 3, approvers: ['github:bob'], autoApprove: 'never' })),
    ).toMatchObject({
      required: 3,
      approvers: ['github:bob'],
      autoApprove: 'never',
    });
  });
  it("lets the policy's people win over the repository's", () => {
    const held = holdToPolicy(policy, rule({ people: { mallory: ['github:alice', 'github:mallory'] } }));
    expect(held.people).toEqual({
      'repo:mallory': ['github:mallory'],
      alice: ['github:alice', 'slack:U0ALICE'],
    });
  });
});

describe('stricterRequirement', () => {
  it('takes the most approvals, the strictest auto-approval, the shorter window and the common approvers', () => {
    const a = rule({
      required: 2,
      approvers: ['github:a', 'github:b'],
      autoApprove: 'safe',
      ttlSeconds: 100,
    });
    const b = rule({ required: 1, approvers: ['github:b'], autoApprove: 'never', allowSelfApproval: true });
    expect(stricterRequirement(a, b)).toMatchObject({
      required: 2,
      approvers: ['github:b'],
      autoApprove: 'never',
      ttlSeconds: 100,
      allowSelfApproval: false,
    });
  });
});
