import { describe, expect, it } from 'vitest';
import { isSortableId, sortableId, sortableIds } from '../../../shared/domain/ids.ts';

const bytes = (value: number) => new Uint8Array(10).fill(value);

describe('sortableId', () => {
  it.each([
    [0, bytes(0), '00000000000000000000000000'],
    [1, bytes(0), '00000000010000000000000000'],
    [2 ** 48 - 1, bytes(255), '7ZZZZZZZZZZZZZZZZZZZZZZZZZ'],
  ])('encodes time %d and randomness as 26 Crockford base-32 characters', (time, random, expected) => {
    expect(sortableId(time, random)).toBe(expected);
  });

  it('sorts later instants after earlier ones as plain text', () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 1_000];
    const ids = times.map((t) => sortableId(t, bytes(200)));
    expect([...ids].sort()).toEqual([ids[3], ids[0], ids[1], ids[2]]);
  });

  it.each([[-1], [1.5], [2 ** 48]])('refuses the time %d', (time) => {
    expect(() => sortableId(time, bytes(0))).toThrow(/millisecond time/);
  });

  it('refuses fewer than 10 random bytes', () => {
    expect(() => sortableId(0, new Uint8Array(9))).toThrow(/10 random bytes/);
  });
});

describe('isSortableId', () => {
  it.each([
    ['01JD0000000000000000000000', true],
    ['01jd0000000000000000000000', false],
    ['01JD000000000000000000000I', false],
    ['81JD0000000000000000000000', false],
    ['deployment-1', false],
    [42, false],
  ])('%s → %s', (value, expected) => {
    expect(isSortableId(value)).toBe(expected);
  });
});

describe('sortableIds', () => {
  it('stays strictly increasing within one millisecond', () => {
    const next = sortableIds(() => bytes(0).fill(254, 9));
    const ids = [next(5), next(5), next(5), next(4)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('draws fresh randomness for a new millisecond', () => {
    let draws = 0;
    const next = sortableIds((size) => {
      draws++;
      return new Uint8Array(size);
    });
    next(1);
    next(1);
    next(2);
    expect(draws).toBe(2);
  });
});
