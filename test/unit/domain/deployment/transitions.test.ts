import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../../shared/domain/deployment/deployment.ts';
import type {
  DeploymentEvent,
  DeploymentEventType,
} from '../../../../shared/domain/deployment/deployment-event.ts';
import { DeploymentStatus, isTerminal } from '../../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';
import {
  allowedTransitions,
  nextStatus,
  TRANSITIONS,
  TransitionRefusal,
} from '../../../../shared/domain/deployment/transitions.ts';
import type { DeploymentPatch } from '../../../../shared/ports/store.ts';

const NOW = Date.parse('2026-11-26T10:00:00.000Z');
const LATER = '2026-11-26T11:00:00.000Z';
const EARLIER = '2026-11-26T09:00:00.000Z';
const changeSet = {
  id: 'arn:aws:cloudformation:eu-west-1:111122223333:changeSet/converge-abc/1',
  name: 'converge-abc',
};
const failure = {
  code: ReasonCode.ROLLED_BACK,
  message: 'Queue: Resource handler returned message: "Access Denied"',
};

function deployment(status: DeploymentStatus, extra: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd-1',
    kind: 'deploy',
    stack: { stackName: 'network-prod', region: 'eu-west-1' },
    stackKey: 'default/eu-west-1/network-prod',
    repository: 'acme/infra',
    revision: '4f2a9c1e0b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    status,
    createdAt: EARLIER,
    updatedAt: EARLIER,
    version: 1,
    changeSet,
    expiresAt: LATER,
    ...extra,
  };
}

const events: Record<DeploymentEventType, DeploymentEvent> = {
  PLAN_EMPTY: { type: 'PLAN_EMPTY' },
  PLAN_FAILED: {
    type: 'PLAN_FAILED',
    reason: { code: ReasonCode.TEMPLATE_INVALID, message: 'Template format error' },
  },
  APPROVAL_REQUIRED: { type: 'APPROVAL_REQUIRED', changeSet, expiresAt: LATER },
  AUTO_APPROVED: { type: 'AUTO_APPROVED', changeSet },
  QUORUM_REACHED: { type: 'QUORUM_REACHED' },
  REJECTED: { type: 'REJECTED' },
  EXPIRED: { type: 'EXPIRED' },
  SUPERSEDED: {
    type: 'SUPERSEDED',
    by: { deploymentId: 'd-2', revision: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d' },
  },
  DEPENDENCIES_PENDING: { type: 'DEPENDENCIES_PENDING', waitingFor: ['network-prod'] },
  DEPENDENCIES_MET: { type: 'DEPENDENCIES_MET' },
  EXECUTION_STARTED: { type: 'EXECUTION_STARTED' },
  EXECUTION_SUCCEEDED: { type: 'EXECUTION_SUCCEEDED' },
  EXECUTION_FAILED: { type: 'EXECUTION_FAILED', reason: failure },
};

/** Deployments on which each allowed transition's guard holds at NOW. */
function satisfying(status: DeploymentStatus, event: DeploymentEventType): Deployment {
  return event === 'EXPIRED' ? deployment(status, { expiresAt: EARLIER }) : deployment(status);
}

describe('nextStatus', () => {
  it.each(TRANSITIONS.map((t) => [t.from, t.event, t.to] as const))('%s --%s--> %s', (from, event, to) => {
    const result = nextStatus(satisfying(from, event), events[event], NOW);

    expect(result).toMatchObject({
      ok: true,
      from,
      status: to,
      patch: { status: to, updatedAt: '2026-11-26T10:00:00.000Z' },
    });
  });

  const allStatuses = Object.values(DeploymentStatus);
  const allEvents = Object.keys(events) as DeploymentEventType[];
  const forbidden = allStatuses.flatMap((from) =>
    allEvents
      .filter((event) => !TRANSITIONS.some((t) => t.from === from && t.event === event))
      .map((event) => [from, event] as const),
  );

  it.each(forbidden)('refuses %s --%s--> without throwing', (from, event) => {
    const result = nextStatus(satisfying(from, event), events[event], NOW);

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect([TransitionRefusal.INVALID_TRANSITION, TransitionRefusal.ALREADY_APPLIED]).toContain(
        result.reason.code,
      );
    }
  });

  it.each(allStatuses.filter(isTerminal))('never leaves the terminal status %s', (status) => {
    expect(allowedTransitions(status)).toEqual([]);
  });

  it.each([
    [DeploymentStatus.EXECUTING, 'SUPERSEDED'],
    [DeploymentStatus.EXECUTING, 'REJECTED'],
    [DeploymentStatus.EXECUTING, 'EXPIRED'],
    [DeploymentStatus.AWAITING_APPROVAL, 'EXECUTION_STARTED'],
    [DeploymentStatus.PLANNING, 'EXECUTION_STARTED'],
    [DeploymentStatus.PLANNING, 'QUORUM_REACHED'],
    [DeploymentStatus.SUCCEEDED, 'EXECUTION_FAILED'],
    [DeploymentStatus.FAILED, 'EXECUTION_STARTED'],
    [DeploymentStatus.SUPERSEDED, 'QUORUM_REACHED'],
    [DeploymentStatus.EXPIRED, 'QUORUM_REACHED'],
  ] as const)('names %s --%s--> an InvalidTransition', (from, event) => {
    const result = nextStatus(deployment(from), events[event], NOW);

    expect(result).toMatchObject({ ok: false, reason: { code: TransitionRefusal.INVALID_TRANSITION } });
  });

  it.each([
    [DeploymentStatus.SUCCEEDED, 'EXECUTION_SUCCEEDED'],
    [DeploymentStatus.APPROVED, 'QUORUM_REACHED'],
    [DeploymentStatus.SUPERSEDED, 'SUPERSEDED'],
    [DeploymentStatus.EXPIRED, 'EXPIRED'],
  ] as const)('answers a redelivered %s event (%s) with AlreadyApplied', (status, event) => {
    const result = nextStatus(deployment(status), events[event], NOW);

    expect(result).toMatchObject({ ok: false, reason: { code: TransitionRefusal.ALREADY_APPLIED } });
  });

  it('explains that a terminal status never changes', () => {
    const result = nextStatus(deployment(DeploymentStatus.REJECTED), events.EXECUTION_STARTED, NOW);

    expect(result.ok ? '' : result.reason.message).toContain('terminal');
  });
});

describe('nextStatus guards', () => {
  const noReason = { code: '', message: '' };

  it.each([
    ['EXPIRED before expiresAt', deployment('AWAITING_APPROVAL', { expiresAt: LATER }), events.EXPIRED],
    ['EXPIRED with no expiresAt', deployment('AWAITING_APPROVAL', { expiresAt: undefined }), events.EXPIRED],
    [
      'QUORUM_REACHED at expiresAt',
      deployment('AWAITING_APPROVAL', { expiresAt: new Date(NOW).toISOString() }),
      events.QUORUM_REACHED,
    ],
    [
      'QUORUM_REACHED after expiresAt',
      deployment('AWAITING_APPROVAL', { expiresAt: EARLIER }),
      events.QUORUM_REACHED,
    ],
    [
      'EXECUTION_STARTED without a change set',
      deployment('APPROVED', { changeSet: undefined }),
      events.EXECUTION_STARTED,
    ],
    ['EXECUTION_STARTED of a preview', deployment('APPROVED', { kind: 'preview' }), events.EXECUTION_STARTED],
    ['PLAN_FAILED without a reason', deployment('PLANNING'), { type: 'PLAN_FAILED', reason: noReason }],
    [
      'EXECUTION_FAILED without a reason',
      deployment('EXECUTING'),
      { type: 'EXECUTION_FAILED', reason: noReason },
    ],
    [
      'APPROVAL_REQUIRED already expired',
      deployment('PLANNING'),
      { type: 'APPROVAL_REQUIRED', changeSet, expiresAt: EARLIER },
    ],
    [
      'APPROVAL_REQUIRED with a bad instant',
      deployment('PLANNING'),
      { type: 'APPROVAL_REQUIRED', changeSet, expiresAt: 'soon' },
    ],
    [
      'APPROVAL_REQUIRED without a change set',
      deployment('PLANNING'),
      { type: 'APPROVAL_REQUIRED', changeSet: { id: '', name: '' }, expiresAt: LATER },
    ],
    [
      'AUTO_APPROVED without a change set',
      deployment('PLANNING'),
      { type: 'AUTO_APPROVED', changeSet: { id: '', name: '' } },
    ],
  ] as const)('refuses %s with GuardFailed', (_name, current, event) => {
    const result = nextStatus(current, event as DeploymentEvent, NOW);

    expect(result).toMatchObject({ ok: false, reason: { code: TransitionRefusal.GUARD_FAILED } });
    expect(result.ok ? '' : result.reason.message).not.toBe('');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses a now of %s instead of throwing', (now) => {
    const result = nextStatus(deployment('APPROVED'), events.EXECUTION_STARTED, now);

    expect(result).toMatchObject({ ok: false, reason: { code: TransitionRefusal.GUARD_FAILED } });
  });

  it('expires exactly at expiresAt', () => {
    const result = nextStatus(
      deployment('AWAITING_APPROVAL', { expiresAt: new Date(NOW).toISOString() }),
      events.EXPIRED,
      NOW,
    );

    expect(result).toMatchObject({
      ok: true,
      status: 'EXPIRED',
      patch: { reason: { code: ReasonCode.APPROVAL_EXPIRED } },
    });
  });
});

describe('nextStatus patches', () => {
  it.each([
    [
      'PLAN_FAILED',
      'PLANNING',
      { reason: events.PLAN_FAILED.type === 'PLAN_FAILED' ? events.PLAN_FAILED.reason : undefined },
    ],
    ['APPROVAL_REQUIRED', 'PLANNING', { changeSet, expiresAt: LATER }],
    ['AUTO_APPROVED', 'PLANNING', { changeSet }],
    ['REJECTED', 'AWAITING_APPROVAL', { reason: { code: ReasonCode.REJECTED } }],
    ['SUPERSEDED', 'APPROVED', { reason: { code: ReasonCode.NEWER_REVISION } }],
    ['EXECUTION_FAILED', 'EXECUTING', { reason: failure }],
  ] as const)('%s from %s writes what the event carries', (event, from, expected) => {
    const result = nextStatus(deployment(from), events[event], NOW);

    expect(result.ok && result.patch).toMatchObject(expected);
  });

  it('names the newer revision in a SUPERSEDED reason', () => {
    const result = nextStatus(deployment('AWAITING_APPROVAL'), events.SUPERSEDED, NOW);

    expect(result.ok && result.patch.reason?.message).toContain('9e8d7c6b5a4f');
  });

  it('keeps a rejection reason the approver gave', () => {
    const reason = { code: ReasonCode.REJECTED, message: 'Rejected by slack:U0123: wrong subnet' };
    const result = nextStatus(deployment('AWAITING_APPROVAL'), { type: 'REJECTED', reason }, NOW);

    expect(result.ok && result.patch.reason).toEqual(reason);
  });

  it('produces a patch the store accepts', () => {
    const result = nextStatus(deployment('PLANNING'), events.AUTO_APPROVED, NOW);
    const patch: DeploymentPatch | undefined = result.ok ? result.patch : undefined;

    expect(patch?.status).toBe('APPROVED');
  });
});
