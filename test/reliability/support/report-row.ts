import type { TestContext } from 'vitest';

/** One line of the reliability table: what was sent, what should have come of it, what did. */
export interface ReportRow {
  readonly suite: string;
  readonly check: string;
  readonly sent: string | number;
  readonly expected: string | number;
  readonly observed: string | number;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ReportRow[];
  }
}

/**
 * Adds rows to the test's metadata, which vitest hands to reporters across processes; the
 * table reporter prints them once the run ends.
 */
export function report(context: Pick<TestContext, 'task'>, ...rows: ReportRow[]): void {
  context.task.meta.reliability = [...(context.task.meta.reliability ?? []), ...rows];
}
