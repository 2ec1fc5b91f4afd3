import { describe, expect, it } from 'vitest';
import { applyIgnoreRules } from '../../../../shared/domain/drift/apply-ignore-rules.ts';
import { DriftIgnoreRuleInvalidError } from '../../../../shared/domain/drift/drift-ignore-rule-invalid-error.ts';
import { driftReport, queueResource } from './drift-report-fixture.ts';

describe('applyIgnoreRules', () => {
  it('changes nothing without rules', () => {
    const report = driftReport();

    expect(applyIgnoreRules(report, [])).toEqual({ ...report, ignored: [] });
  });

  it('drops an ignored difference and records it', () => {
    const result = applyIgnoreRules(driftReport(), ['Queue/Properties/VisibilityTimeout']);
    const queue = result.resources.find((r) => r.logicalId === 'Queue');

    expect(queue?.differences.map((d) => d.path)).toEqual([
      '/RedrivePolicy/maxReceiveCount',
      '/Tags/0/Value',
    ]);
    expect(queue?.status).toBe('MODIFIED');
    expect(result.ignored).toEqual([
      { logicalId: 'Queue', path: '/VisibilityTimeout', rule: 'Queue/Properties/VisibilityTimeout' },
    ]);
  });

  it('turns a resource whose every difference is ignored IN_SYNC', () => {
    const result = applyIgnoreRules(driftReport([queueResource]), ['Queue/Properties/**']);

    expect(result.resources).toEqual([{ ...queueResource, status: 'IN_SYNC', differences: [] }]);
    expect(result.ignored).toHaveLength(3);
  });

  it.each([
    ['Topic', 'Topic'],
    ['Dashboard', 'Dashboard'],
    ['Queue/**', 'Queue'],
  ])('leaves out the whole resource for rule %s', (rule, logicalId) => {
    const result = applyIgnoreRules(driftReport(), [rule]);

    expect(result.resources.map((r) => r.logicalId)).not.toContain(logicalId);
    expect(result.ignored).toEqual([{ logicalId, rule }]);
  });

  it('never ignores a deleted resource through a property rule', () => {
    const result = applyIgnoreRules(driftReport(), ['*/Properties/**']);

    expect(result.resources.find((r) => r.logicalId === 'Topic')?.status).toBe('DELETED');
  });

  it('is idempotent', () => {
    const rules = ['Queue/Properties/Tags/**', 'Dashboard'];
    const once = applyIgnoreRules(driftReport(), rules);

    expect(applyIgnoreRules(once, rules)).toEqual(once);
  });

  it('refuses an unreadable rule with a typed error and leaves the report alone', () => {
    const report = driftReport();
    const before = structuredClone(report);

    expect(() => applyIgnoreRules(report, ['Queue/VisibilityTimeout'])).toThrow(DriftIgnoreRuleInvalidError);
    expect(() => applyIgnoreRules(report, ['Queue/VisibilityTimeout'])).toThrow(/must name Properties/);
    expect(report).toEqual(before);
  });
});
