import { describe, expect, it } from 'vitest';
import {
  DeploymentStatus,
  isDeploymentStatus,
  isSuccessful,
  isSupersedable,
  isTerminal,
} from '../../../shared/domain/deployment/deployment-status.ts';

describe('DeploymentStatus predicates', () => {
  it.each([
    [DeploymentStatus.PLANNING, false, true, false],
    [DeploymentStatus.AWAITING_APPROVAL, false, true, false],
    [DeploymentStatus.APPROVED, false, true, false],
    [DeploymentStatus.EXECUTING, false, false, false],
    [DeploymentStatus.NO_CHANGES, true, false, true],
    [DeploymentStatus.SUCCEEDED, true, false, true],
    [DeploymentStatus.PLAN_FAILED, true, false, false],
    [DeploymentStatus.FAILED, true, false, false],
    [DeploymentStatus.REJECTED, true, false, false],
    [DeploymentStatus.EXPIRED, true, false, false],
    [DeploymentStatus.SUPERSEDED, true, false, false],
  ])('%s: terminal=%s supersedable=%s successful=%s', (status, terminal, supersedable, successful) => {
    expect(isTerminal(status)).toBe(terminal);
    expect(isSupersedable(status)).toBe(supersedable);
    expect(isSuccessful(status)).toBe(successful);
  });

  it('recognises only known statuses', () => {
    expect(isDeploymentStatus('APPROVED')).toBe(true);
    expect(isDeploymentStatus('approved')).toBe(false);
    expect(isDeploymentStatus('toString')).toBe(false);
    expect(isDeploymentStatus(undefined)).toBe(false);
  });
});
