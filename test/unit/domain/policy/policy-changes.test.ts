import { describe, expect, it } from 'vitest';
import type { ApprovalRequirement } from '../../../../shared/domain/approval/approval.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';
import { policyChangeRequirement, policyChanges } from '../../../../shared/domain/policy/policy-changes.ts';

/** converge.yaml with `app` (its extra lines) and the given other stacks and top-level lines. */
function config(app: readonly string[] = [], options: { others?: string[]; top?: string[] } = {}) {
  const text = [
    'version: 1',
    'defaults: { region: eu-west-1, approval: { required: 1, autoApprove: safe } }',
    ...(options.top ?? []),
    'stacks:',
    '  - name: app',
    '    template: app.yaml',
    ...app.map((line) => `    ${line}`),
    ...(options.others ?? []).flatMap((name) => [`  - name: ${name}`, `    template: ${name}.yaml`]),
    '',
  ].join('\n');
  return parseConfiguration(text, { file: 'converge.yaml' });
}

describe('policyChanges', () => {
  it('finds nothing when only templates, parameters or tags change', () => {
    const trusted = config(['parameters: { Size: "1" }', 'tags: { team: a }']);
    const next = config(['parameters: { Size: "2" }', 'tags: { team: b }']);
    expect(policyChanges(trusted, next, 'app')).toEqual([]);
  });

  it.each([
    ['lowering the approvals', ['approval: { required: 0 }'], 'approval of app: required 1 → 0'],
    [
      'auto-approving everything',
      ['approval: { autoApprove: always }'],
      'approval of app: autoApprove safe → always',
    ],
    ['allowing self-approval', ['approval: { allowSelfApproval: true }'], 'allowSelfApproval false → true'],
    [
      'naming other approvers',
      ['approval: { approvers: ["github:mallory"] }'],
      'approvers (none) → github:mallory',
    ],
    [
      'reverting drift automatically',
      ['drift: { mode: revert-auto }'],
      'drift of app: mode report → revert-auto',
    ],
    ['ignoring drift', ['drift: { ignore: ["Queue"] }'], 'drift of app: ignore (none) → Queue'],
    [
      'changing the role',
      ['roleArn: arn:aws:iam::123456789012:role/admin'],
      'role of app: default → arn:aws:iam::123456789012:role/admin',
    ],
    [
      'granting capabilities',
      ['capabilities: [CAPABILITY_NAMED_IAM]'],
      'capabilities of app: (none) → CAPABILITY_NAMED_IAM',
    ],
  ])('reports %s', (_case, lines, change) => {
    expect(policyChanges(config(), config(lines), 'app').join('\n')).toContain(change);
  });

  it('reports stacks added and removed, and people changed', () => {
    const trusted = config([], { others: ['old'] });
    const next = config([], { others: ['new'], top: ['people: { bob: [slack:U0BOB, github:bob] }'] });
    expect(policyChanges(trusted, next, 'app')).toEqual([
      'stacks added: new',
      'stacks removed: old',
      'people changed',
    ]);
  });

  it('ignores the order of lists', () => {
    const trusted = config(['approval: { approvers: ["github:a", "github:b"] }']);
    const next = config(['approval: { approvers: ["github:b", "github:a"] }']);
    expect(policyChanges(trusted, next, 'app')).toEqual([]);
  });
});

describe('policyChangeRequirement', () => {
  const held: ApprovalRequirement = {
    required: 1,
    approvers: ['github:alice'],
    allowSelfApproval: true,
    autoApprove: 'always',
    ttlSeconds: 600,
  };

  it('is never auto-approved and never self-approved, and keeps the trusted approvers', () => {
    expect(policyChangeRequirement(held, 1)).toMatchObject({
      required: 1,
      approvers: ['github:alice'],
      allowSelfApproval: false,
      autoApprove: 'never',
      ttlSeconds: 600,
    });
  });

  it('needs at least the floor, and at least one person even when the trusted rule needs none', () => {
    expect(policyChangeRequirement({ ...held, required: 0 }, 0).required).toBe(1);
    expect(policyChangeRequirement(held, 3).required).toBe(3);
  });
});
