import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import type { ReportRow } from '../../reliability/support/report-row.ts';
import TableReporter from '../../reliability/support/table-reporter.ts';

/** A test as the reporter reads it: its state and the rows it reported. */
const test = (state: 'passed' | 'failed' | 'skipped', rows: ReportRow[] = []) => ({
  result: () => ({ state }),
  meta: () => ({ reliability: rows }),
});
type FakeTest = ReturnType<typeof test>;
/** A describe block: its tests and the errors of its hooks. */
const block = (tests: FakeTest[], errors: unknown[] = []) => ({
  errors: () => errors,
  children: { allTests: () => tests.values() },
});
/** A test file with its blocks, its state as vitest gives it. */
const file = (blocks: ReturnType<typeof block>[], state = 'passed') =>
  ({
    state: () => state,
    children: {
      allTests: () => blocks.flatMap((b) => [...b.children.allTests()]).values(),
      allSuites: () => blocks.values(),
    },
  }) as unknown as TestModule;

const run = (modules: TestModule[], unhandled: unknown[] = []) => {
  let text = '';
  new TableReporter({ write: (chunk: string) => (text += chunk) }).onTestRunEnd(modules, unhandled);
  return text;
};
const row = (check: string): ReportRow => ({ suite: 'load', check, sent: 1, expected: 0, observed: 0 });

describe('the reliability table reporter', () => {
  it('prints every row and `N passed, 0 failed` when all passed', () => {
    const text = run([file([block([test('passed', [row('overlaps')]), test('passed')])])]);
    expect(text).toMatch(/load\s+overlaps\s+1\s+0\s+0/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });

  it('counts a failed test and marks its rows', () => {
    const text = run([file([block([test('passed'), test('failed', [row('overlaps')])])], 'failed')]);
    expect(text).toContain('overlaps (FAILED)');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('counts a failed setup whose tests were skipped, once per block, beside a failed test of another', () => {
    const modules = [
      file(
        [block([test('failed')]), block([test('skipped'), test('skipped')], [new Error('setup failed')])],
        'failed',
      ),
    ];
    expect(run(modules).trimEnd().split('\n').at(-1)).toBe('0 passed, 2 failed, 2 skipped');
  });

  it('counts a file that failed without a test, and unhandled errors', () => {
    const text = run([file([], 'failed')], [new Error('unhandled')]);
    expect(text.trimEnd().split('\n').at(-1)).toBe('0 passed, 2 failed');
  });
});
