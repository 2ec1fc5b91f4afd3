import { describe, expect, it } from 'vitest';
import { overlappingExecutions, type StackExecution } from '../../e2e/support/stack-executions.ts';

const run = (token: string, first: number, last: number): StackExecution => ({
  token,
  first,
  last,
  statuses: [],
});

describe('overlappingExecutions (the check the e2e and reliability suites rely on)', () => {
  it('finds none when each execution ends before the next begins', () => {
    expect(overlappingExecutions([run('a', 0, 2), run('b', 3, 5), run('c', 6, 6)])).toEqual([]);
  });

  it('finds two executions whose events interleave, however briefly', () => {
    expect(
      overlappingExecutions([run('a', 0, 3), run('b', 2, 5)]).map(([x, y]) => [x.token, y.token]),
    ).toEqual([['a', 'b']]);
  });

  it('finds one that starts inside a long one, after a short one that did too', () => {
    const found = overlappingExecutions([run('long', 0, 10), run('short', 1, 2), run('late', 4, 5)]);
    expect(found.map(([x, y]) => [x.token, y.token])).toEqual([
      ['long', 'short'],
      ['long', 'late'],
    ]);
  });
});
