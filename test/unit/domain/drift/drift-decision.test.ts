import { describe, expect, it } from 'vitest';
import type { ChangeSetSummary } from '../../../../shared/domain/change-set/change-set-summary.ts';
import { driftDecision } from '../../../../shared/domain/drift/drift-decision.ts';
import type { DriftMode } from '../../../../shared/domain/drift/drift-policy.ts';
import { driftReport, queueResource } from './drift-report-fixture.ts';

function revert(counts: Partial<ChangeSetSummary> = {}): ChangeSetSummary {
  return {
    add: 0,
    modify: 1,
    remove: 0,
    replace: 0,
    conditionalReplace: 0,
    security: 0,
    risk: 'safe',
    changes: [],
    ...counts,
  };
}

const policy = (mode: DriftMode, ignore: string[] = []) => ({ mode, ignore });

describe('driftDecision', () => {
  it.each([
    ['report', undefined, 'report'],
    ['revert', undefined, 'propose-revert'],
    ['revert', revert(), 'propose-revert'],
    ['revert-auto', undefined, 'propose-revert'],
    ['revert-auto', revert(), 'auto-revert'],
    ['revert-auto', revert({ add: 1, risk: 'dangerous' }), 'auto-revert'],
    ['revert-auto', revert({ remove: 1 }), 'propose-revert'],
    ['revert-auto', revert({ replace: 1 }), 'propose-revert'],
    ['revert-auto', revert({ conditionalReplace: 1 }), 'propose-revert'],
    ['revert-auto', revert({ dynamic: 1 }), 'propose-revert'],
  ] as const)('mode %s with revert summary %j → %s', (mode, revertSummary, action) => {
    const decision = driftDecision(driftReport(), policy(mode), { deploymentInFlight: false, revertSummary });

    expect(decision.action).toBe(action);
  });

  it.each(['report', 'revert', 'revert-auto'] as const)(
    'skips a stack with a deployment in flight (%s)',
    (mode) => {
      expect(driftDecision(driftReport(), policy(mode), { deploymentInFlight: true }).action).toBe('skip');
    },
  );

  it('skips while detection is still running', () => {
    const report = driftReport(undefined, { detectionStatus: 'DETECTION_IN_PROGRESS' });

    expect(
      driftDecision(report, policy('revert-auto'), { deploymentInFlight: false, revertSummary: revert() })
        .action,
    ).toBe('skip');
  });

  it('reports a failed detection and never reverts on it', () => {
    const report = driftReport(undefined, {
      detectionStatus: 'DETECTION_FAILED',
      statusReason: 'Failed to detect drift on resource [Queue]',
    });
    const decision = driftDecision(report, policy('revert-auto'), {
      deploymentInFlight: false,
      revertSummary: revert(),
    });

    expect(decision).toMatchObject({ action: 'report' });
    expect(decision.why).toContain('Failed to detect drift on resource [Queue]');
  });

  it('lists drifted and not-checked resources apart, never counting unchecked ones as in sync', () => {
    const decision = driftDecision(driftReport(), policy('report'), { deploymentInFlight: false });

    expect(decision.drifted.map((r) => r.logicalId)).toEqual(['Queue', 'Topic']);
    expect(decision.notChecked.map((r) => [r.logicalId, r.status])).toEqual([['Dashboard', 'NOT_CHECKED']]);
  });

  it('decides none when every drift is ignored, still listing what was not checked', () => {
    const decision = driftDecision(driftReport(), policy('revert-auto', ['Queue/Properties/**', 'Topic']), {
      deploymentInFlight: false,
    });

    expect(decision).toMatchObject({ action: 'none', drifted: [] });
    expect(decision.notChecked.map((r) => r.logicalId)).toEqual(['Dashboard']);
    expect(decision.why).toContain('1 resources not checked');
  });

  it('decides none for an in-sync stack', () => {
    const inSync = driftReport([{ ...queueResource, status: 'IN_SYNC', differences: [] }], {
      stackDriftStatus: 'IN_SYNC',
    });

    expect(driftDecision(inSync, policy('revert'), { deploymentInFlight: false }).action).toBe('none');
  });

  it('treats an UNKNOWN resource as not checked', () => {
    const unknown = driftReport([{ ...queueResource, status: 'UNKNOWN', differences: [] }]);
    const decision = driftDecision(unknown, policy('revert'), { deploymentInFlight: false });

    expect(decision).toMatchObject({ action: 'none', drifted: [] });
    expect(decision.notChecked).toHaveLength(1);
  });

  it('returns the report after ignore rules', () => {
    const decision = driftDecision(driftReport(), policy('report', ['Dashboard']), {
      deploymentInFlight: false,
    });

    expect(decision.report.ignored).toEqual([{ logicalId: 'Dashboard', rule: 'Dashboard' }]);
  });

  it('says why a revert needs a person', () => {
    const decision = driftDecision(driftReport(), policy('revert-auto'), {
      deploymentInFlight: false,
      revertSummary: revert({ replace: 1 }),
    });

    expect(decision.why).toContain('1 replacement(s)');
  });
});
