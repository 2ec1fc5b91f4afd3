import { describe, expect, it } from 'vitest';
import {
  AuditAction,
  driftAuditAction,
  planningEndAuditAction,
} from '../../../../shared/domain/deployment/audit-action.ts';
import { DriftAction } from '../../../../shared/domain/drift/drift-decision.ts';

describe('AuditAction', () => {
  it('is one kebab-case vocabulary, every value distinct', () => {
    const values = Object.values(AuditAction);
    for (const value of values) expect(value).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(values).size).toBe(values.length);
  });

  it.each(Object.values(DriftAction))('names what a sweep did with a stack (%s)', (action) => {
    expect(driftAuditAction(action)).toBe(`drift-${action}`);
  });

  it('names each early end of planning', () => {
    expect(planningEndAuditAction('PLAN_FAILED')).toBe(AuditAction.PLAN_FAILED);
    expect(planningEndAuditAction('PLAN_EMPTY')).toBe(AuditAction.PLAN_EMPTY);
    expect(planningEndAuditAction('SUPERSEDED')).toBe(AuditAction.SUPERSEDED);
  });
});
