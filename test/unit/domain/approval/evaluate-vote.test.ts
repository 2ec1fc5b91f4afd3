import { describe, expect, it } from 'vitest';
import type { Approval, ApprovalRequirement } from '../../../../shared/domain/approval/approval.ts';
import { buildApproverAliases } from '../../../../shared/domain/approval/approver-aliases.ts';
import { evaluateVote } from '../../../../shared/domain/approval/evaluate-vote.ts';
import { VoteRefusal } from '../../../../shared/domain/approval/vote-refusal.ts';
import type { Deployment } from '../../../../shared/domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../../../shared/domain/deployment/deployment-status.ts';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const CHANGE_SET = 'arn:aws:cloudformation:eu-west-1:111122223333:changeSet/converge-abc/1';

const requirement: ApprovalRequirement = {
  required: 2,
  approvers: ['slack:U0123', 'github:bob', 'github:carol', 'github:alice'],
  allowSelfApproval: false,
  autoApprove: 'safe',
  ttlSeconds: 3600,
};

function deployment(
  status: DeploymentStatus = 'AWAITING_APPROVAL',
  extra: Partial<Deployment> = {},
): Deployment {
  return {
    id: 'd-1',
    kind: 'deploy',
    stack: { stackName: 'network-prod', region: 'eu-west-1' },
    stackKey: 'default/eu-west-1/network-prod',
    repository: 'acme/infra',
    revision: '4f2a9c1e0b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    author: 'Alice',
    status,
    changeSet: { id: CHANGE_SET, name: 'converge-abc' },
    expiresAt: '2026-11-26T11:00:00.000Z',
    createdAt: '2026-11-26T09:00:00.000Z',
    updatedAt: '2026-11-26T09:00:00.000Z',
    version: 3,
    ...extra,
  };
}

function vote(approver: string, extra: Partial<Approval> = {}): Approval {
  return {
    deploymentId: 'd-1',
    changeSetId: CHANGE_SET,
    approver: approver as Approval['approver'],
    decision: 'approve',
    at: '2026-11-26T09:30:00.000Z',
    via: 'slack',
    ...extra,
  };
}

const built = buildApproverAliases({ alice: ['slack:U0123', 'github:alice'] });
const aliases = built.ok ? built.aliases : undefined;

describe('evaluateVote refusals', () => {
  it.each([
    ['a voter outside the approver list', {}, vote('github:mallory'), VoteRefusal.UNKNOWN_APPROVER],
    ['the author', {}, vote('github:ALICE'), VoteRefusal.SELF_APPROVAL],
    ['the author under a Slack alias', {}, vote('slack:U0123'), VoteRefusal.SELF_APPROVAL],
    [
      'an author of a commit the change brings in',
      { deployment: deployment('AWAITING_APPROVAL', { authors: ['github:carol', 'bob'] }) },
      vote('github:bob'),
      VoteRefusal.SELF_APPROVAL,
    ],
    [
      'a vote at expiresAt',
      { now: Date.parse('2026-11-26T11:00:00.000Z') },
      vote('github:bob'),
      VoteRefusal.EXPIRED,
    ],
    [
      'a vote on an EXPIRED deployment',
      { deployment: deployment('EXPIRED') },
      vote('github:bob'),
      VoteRefusal.EXPIRED,
    ],
    [
      'a vote on a deployment still planning',
      { deployment: deployment('PLANNING') },
      vote('github:bob'),
      VoteRefusal.NOT_AWAITING_APPROVAL,
    ],
    [
      'a vote on an approved deployment',
      { deployment: deployment('APPROVED') },
      vote('github:bob'),
      VoteRefusal.NOT_AWAITING_APPROVAL,
    ],
    [
      'a vote on an executing deployment',
      { deployment: deployment('EXECUTING') },
      vote('github:bob'),
      VoteRefusal.NOT_AWAITING_APPROVAL,
    ],
    [
      'a vote on a superseded deployment',
      { deployment: deployment('SUPERSEDED') },
      vote('github:bob'),
      VoteRefusal.SUPERSEDED,
    ],
    [
      'a vote on a succeeded deployment',
      { deployment: deployment('SUCCEEDED') },
      vote('github:bob'),
      VoteRefusal.FINISHED,
    ],
    [
      'a vote on a rejected deployment',
      { deployment: deployment('REJECTED') },
      vote('github:bob'),
      VoteRefusal.FINISHED,
    ],
    [
      'a vote for another change set',
      {},
      vote('github:bob', { changeSetId: `${CHANGE_SET}-old` }),
      VoteRefusal.CHANGE_SET_MISMATCH,
    ],
    [
      'a vote when the deployment has no change set',
      { deployment: deployment('AWAITING_APPROVAL', { changeSet: undefined }) },
      vote('github:bob'),
      VoteRefusal.CHANGE_SET_MISMATCH,
    ],
    [
      'a vote for another deployment',
      {},
      vote('github:bob', { deploymentId: 'd-0' }),
      VoteRefusal.DEPLOYMENT_MISMATCH,
    ],
    ['an unreadable identity', {}, vote('bob'), VoteRefusal.INVALID_IDENTITY],
    [
      'a second vote by the same login',
      { approvals: [vote('github:bob')] },
      vote('github:Bob'),
      VoteRefusal.DUPLICATE_VOTE,
    ],
    [
      'a reject after an approve by the same person',
      { approvals: [vote('github:bob')] },
      vote('github:bob', { decision: 'reject' }),
      VoteRefusal.DUPLICATE_VOTE,
    ],
  ] as const)('refuses %s', (_name, overrides, cast, code) => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [],
      vote: cast,
      now: NOW,
      aliases,
      ...overrides,
    });

    expect(result).toMatchObject({ accepted: false, code });
    expect(result.accepted ? '' : result.message.length).toBeGreaterThan(20);
  });

  it('counts a person once across Slack and GitHub', () => {
    const open = { ...requirement, allowSelfApproval: true };
    const result = evaluateVote({
      deployment: deployment(),
      requirement: open,
      approvals: [vote('slack:U0123')],
      vote: vote('github:alice', { via: 'github' }),
      now: NOW,
      aliases,
    });

    expect(result).toMatchObject({ accepted: false, code: VoteRefusal.DUPLICATE_VOTE });
  });

  it('tells an unknown approver who may approve', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [],
      vote: vote('github:mallory'),
      now: NOW,
    });

    expect(result.accepted ? '' : result.message).toContain('github:bob');
  });
});

describe('evaluateVote outcomes', () => {
  it('leaves the deployment pending below quorum (1 of 2)', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [],
      vote: vote('github:bob'),
      now: NOW,
    });

    expect(result).toMatchObject({
      accepted: true,
      outcome: 'pending',
      approvals: 1,
      required: 2,
      approvers: ['github:bob'],
    });
    expect(result.accepted && result.event).toBeUndefined();
  });

  it('approves at quorum of distinct allowed approvers', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [vote('github:bob')],
      vote: vote('github:carol'),
      now: NOW,
    });

    expect(result).toMatchObject({
      accepted: true,
      outcome: 'approved',
      approvals: 2,
      event: { type: 'QUORUM_REACHED' },
    });
  });

  it('rejects on one allowed reject, naming who and why', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [vote('github:bob')],
      vote: vote('github:carol', { decision: 'reject', comment: 'wrong subnet' }),
      now: NOW,
    });

    expect(result).toMatchObject({
      accepted: true,
      outcome: 'rejected',
      event: {
        type: 'REJECTED',
        reason: { code: 'Rejected', message: 'Rejected by github:carol: wrong subnet' },
      },
    });
  });

  it('lets the author reject their own change', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [],
      vote: vote('github:alice', { decision: 'reject' }),
      now: NOW,
    });

    expect(result).toMatchObject({ accepted: true, outcome: 'rejected' });
  });

  it('lets the author approve when the policy allows self-approval', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement: { ...requirement, allowSelfApproval: true },
      approvals: [vote('github:bob')],
      vote: vote('github:alice'),
      now: NOW,
    });

    expect(result).toMatchObject({ accepted: true, outcome: 'approved' });
  });

  it('does not count earlier votes on another change set towards quorum', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [vote('github:bob', { changeSetId: `${CHANGE_SET}-old` })],
      vote: vote('github:carol'),
      now: NOW,
    });

    expect(result).toMatchObject({ accepted: true, outcome: 'pending', approvals: 1 });
  });

  it('does not count earlier votes by people no longer allowed', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [vote('github:mallory')],
      vote: vote('github:carol'),
      now: NOW,
    });

    expect(result).toMatchObject({ accepted: true, outcome: 'pending', approvals: 1 });
  });

  it('accepts anybody when the approver list is empty, and needs one vote when required is 0', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement: { ...requirement, approvers: [], required: 0 },
      approvals: [],
      vote: vote('slack:U0999'),
      now: NOW,
    });

    expect(result).toMatchObject({ accepted: true, outcome: 'approved', required: 1 });
  });

  it('records the normalised identity', () => {
    const result = evaluateVote({
      deployment: deployment(),
      requirement,
      approvals: [],
      vote: vote('GitHub:Bob'),
      now: NOW,
    });

    expect(result.accepted && result.vote.approver).toBe('github:bob');
  });
});
