import { describe, expect, it } from 'vitest';
import { isReasonCode, ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';

describe('isReasonCode', () => {
  it.each(Object.values(ReasonCode))('recognises %s', (code) => {
    expect(isReasonCode(code)).toBe(true);
  });

  it.each(['rolledBack', 'ROLLED_BACK', '', undefined, 42])('rejects %s', (value) => {
    expect(isReasonCode(value)).toBe(false);
  });
});
