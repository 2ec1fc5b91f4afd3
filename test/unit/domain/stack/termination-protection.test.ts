import { describe, expect, it } from 'vitest';
import { terminationProtectionToApply } from '../../../../shared/domain/stack/termination-protection.ts';

describe('terminationProtectionToApply', () => {
  it.each([
    ['on when the revision says true', true, undefined, true],
    ['on when it says true again', true, true, true],
    ['off when the revision says false, whatever was applied', false, true, false],
    ['off when it says false on a stack never protected', false, undefined, false],
    ['off when the key was removed after Converge turned protection on', undefined, true, false],
    [
      'left alone when neither the revision nor the applied file mentions it',
      undefined,
      undefined,
      undefined,
    ],
    ['left alone when the applied file said false and the key was removed', undefined, false, undefined],
  ])('%s', (_case, next, applied, expected) => {
    expect(terminationProtectionToApply(next, applied)).toBe(expected);
  });
});
