import { describe, expect, it } from 'vitest';
import {
  checkName,
  checkRunState,
  commitStatusState,
} from '../../../../shared/adapters/github/commit-check.ts';
import type { DeploymentKind } from '../../../../shared/domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../../../shared/domain/deployment/deployment-status.ts';
import { riskySummary } from '../../../support/deployment-fixture.ts';

describe('checkRunState and commitStatusState', () => {
  it.each<[DeploymentKind, DeploymentStatus, string, string | undefined, string]>([
    ['deploy', 'PLANNING', 'in_progress', undefined, 'pending'],
    ['deploy', 'AWAITING_APPROVAL', 'in_progress', undefined, 'pending'],
    ['deploy', 'APPROVED', 'in_progress', undefined, 'pending'],
    ['deploy', 'EXECUTING', 'in_progress', undefined, 'pending'],
    ['deploy', 'SUCCEEDED', 'completed', 'success', 'success'],
    ['deploy', 'NO_CHANGES', 'completed', 'success', 'success'],
    ['deploy', 'PLAN_FAILED', 'completed', 'failure', 'failure'],
    ['deploy', 'FAILED', 'completed', 'failure', 'failure'],
    ['deploy', 'REJECTED', 'completed', 'failure', 'failure'],
    ['deploy', 'EXPIRED', 'completed', 'timed_out', 'failure'],
    ['deploy', 'SUPERSEDED', 'completed', 'skipped', 'success'],
    ['preview', 'AWAITING_APPROVAL', 'completed', 'neutral', 'success'],
    ['preview', 'PLANNING', 'in_progress', undefined, 'pending'],
    ['preview', 'NO_CHANGES', 'completed', 'success', 'success'],
    ['preview', 'PLAN_FAILED', 'completed', 'failure', 'failure'],
    ['preview', 'SUPERSEDED', 'completed', 'skipped', 'success'],
    ['revert-drift', 'AWAITING_APPROVAL', 'in_progress', undefined, 'pending'],
  ])(
    'a %s deployment that is %s is %s/%s, commit status %s',
    (kind, status, checkStatus, conclusion, state) => {
      const check = checkRunState({ kind, status });
      expect([check.status, check.conclusion]).toEqual([checkStatus, conclusion]);
      expect(commitStatusState({ kind, status }).state).toBe(state);
    },
  );

  it('completes a planned preview (still PLANNING, with its summary) as neutral, its counts in the title', () => {
    const planned = {
      kind: 'preview',
      status: 'PLANNING',
      changeSet: { id: 'cs', name: 'n', summary: riskySummary },
    } as const;
    expect(checkRunState(planned)).toEqual({
      status: 'completed',
      conclusion: 'neutral',
      title: 'Preview: 2 to add, 1 to modify, 1 to remove, 1 replaced (risk: dangerous)',
    });
    expect(commitStatusState(planned).state).toBe('success');
  });

  it('keeps a deploy that is still PLANNING in progress even with a change set', () => {
    const planning = {
      kind: 'deploy',
      status: 'PLANNING',
      changeSet: { id: 'cs', name: 'n', summary: riskySummary },
    } as const;
    expect(checkRunState(planning).status).toBe('in_progress');
  });

  it('keeps commit status descriptions within 140 characters', () => {
    expect(
      commitStatusState({ kind: 'deploy', status: 'SUPERSEDED' }).description.length,
    ).toBeLessThanOrEqual(140);
  });

  it('names the check after the stack', () => {
    expect(checkName({ stack: { stackName: 'network-prod', region: 'eu-west-1' } })).toBe(
      'converge/network-prod',
    );
  });
});
