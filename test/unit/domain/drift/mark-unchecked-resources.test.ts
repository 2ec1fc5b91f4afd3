import { describe, expect, it } from 'vitest';
import {
  isDrifted,
  isUnchecked,
  type ResourceDriftStatus,
} from '../../../../shared/domain/drift/drift-report.ts';
import { markUncheckedResources } from '../../../../shared/domain/drift/mark-unchecked-resources.ts';
import { driftReport, queueResource } from './drift-report-fixture.ts';

describe('markUncheckedResources', () => {
  it('adds stack resources that detection left out as NOT_CHECKED', () => {
    const report = markUncheckedResources(driftReport([queueResource]), [
      { logicalId: 'Queue', physicalId: queueResource.physicalId, resourceType: 'AWS::SQS::Queue' },
      { logicalId: 'Alarm', physicalId: 'network-prod-Alarm-1', resourceType: 'AWS::CloudWatch::Alarm' },
    ]);

    expect(report.resources.map((r) => [r.logicalId, r.status])).toEqual([
      ['Queue', 'MODIFIED'],
      ['Alarm', 'NOT_CHECKED'],
    ]);
  });

  it('returns the report unchanged when every resource was reported', () => {
    const report = driftReport([queueResource]);

    expect(markUncheckedResources(report, [{ logicalId: 'Queue', resourceType: 'AWS::SQS::Queue' }])).toBe(
      report,
    );
  });
});

describe('resource drift status predicates', () => {
  it.each([
    ['IN_SYNC', false, false],
    ['MODIFIED', true, false],
    ['DELETED', true, false],
    ['NOT_CHECKED', false, true],
    ['UNKNOWN', false, true],
  ] as const)('%s: drifted=%s unchecked=%s', (status: ResourceDriftStatus, drifted, unchecked) => {
    expect(isDrifted(status)).toBe(drifted);
    expect(isUnchecked(status)).toBe(unchecked);
  });
});
