import type { Reporter, TestModule, TestSuite } from 'vitest/node';
import type { ReportRow } from './report-row.ts';

/**
 * Prints the reliability table (suite, check, sent, expected, observed) from the rows the tests
 * left in their metadata, then the plain closing line `N passed, N failed` over every test of the
 * run. Used by `npm run test:reliability`; plain `npm test` keeps vitest's own summary.
 */
export default class TableReporter implements Reporter {
  readonly #out: { write(text: string): unknown };

  /**
   * `out` is where the table goes: standard output unless a test passes its own (vitest may pass
   * reporter options here, which are not a stream).
   */
  constructor(out?: unknown) {
    const given = out as { write?: unknown } | undefined;
    this.#out =
      typeof given?.write === 'function' ? (given as { write(text: string): unknown }) : process.stdout;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const rows: ReportRow[] = [];
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      // A failed setup (beforeAll) skips the module's tests: it counts as a failure of its own.
      const before = failed;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
        rows.push(
          ...(test.meta().reliability ?? []).map((row) => ({
            ...row,
            check: state === 'failed' ? `${row.check} (FAILED)` : row.check,
          })),
        );
      }
      // So does a failed hook of a describe block (its tests are skipped), once per block.
      for (const suite of module.children.allSuites())
        if (suite.errors().length > 0 && !hasFailedTest(suite)) failed += 1;
      if (failed === before && module.state() === 'failed') failed += 1;
    }
    failed += unhandledErrors.length;
    if (modules.length > 0 && failed === 0 && passed === 0) failed = 1;
    const out = this.#out;
    out.write(`\n${formatTable(rows)}\n\n`);
    out.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}

/** Whether a test of the block (or of a block inside it) failed. */
function hasFailedTest(suite: TestSuite): boolean {
  for (const test of suite.children.allTests()) if (test.result().state === 'failed') return true;
  return false;
}

/** Rows as an aligned plain-text table. */
export function formatTable(rows: readonly ReportRow[]): string {
  const header = ['suite', 'check', 'sent', 'expected', 'observed'];
  const cells = rows.map((r) => [r.suite, r.check, String(r.sent), String(r.expected), String(r.observed)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
