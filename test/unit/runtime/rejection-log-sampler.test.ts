import { describe, expect, it } from 'vitest';
import { rejectionLogSampler } from '../../../shared/runtime/rejection-log-sampler.ts';

describe('rejectionLogSampler', () => {
  it('logs the first of each kind, then one per interval with how many were left out', () => {
    const sample = rejectionLogSampler(60_000);
    expect(sample('signature', 0)).toEqual({ log: true, suppressed: 0 });
    expect(sample('signature', 1_000)).toEqual({ log: false, suppressed: 1 });
    expect(sample('signature', 2_000)).toEqual({ log: false, suppressed: 2 });
    expect(sample('too-large', 2_000)).toEqual({ log: true, suppressed: 0 });
    expect(sample('signature', 60_000)).toEqual({ log: true, suppressed: 2 });
    expect(sample('signature', 60_001)).toEqual({ log: false, suppressed: 1 });
  });
});
