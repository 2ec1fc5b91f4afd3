import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaEntry } from '../../../shared/runtime/lambda-entry.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { context } from '../functions/lambda-events.ts';

/** An entry whose handler doubles its event; counts how often the handler was loaded. */
function countingEntry(options: { failFirstLoad?: boolean } = {}) {
  const counts = { loads: 0 };
  const handler = lambdaEntry<number, number>(
    { functionName: 'test', logger: createLogger({ logLevel: 'SILENT' }), metrics: createMetrics() },
    async () => {
      counts.loads += 1;
      if (options.failFirstLoad && counts.loads === 1) throw new Error('module failed to load');
      return async (event: number, _context: Context) => event * 2;
    },
  );
  return { handler, counts };
}

describe('lambdaEntry', () => {
  it('loads the handler on the first invocation, not when the entry is made, and once', async () => {
    const { handler, counts } = countingEntry();
    expect(counts.loads).toBe(0);
    expect(await handler(2, context)).toBe(4);
    expect(await handler(5, context)).toBe(10);
    expect(counts.loads).toBe(1);
  });

  it('shares one load between concurrent first invocations', async () => {
    const { handler, counts } = countingEntry();
    const answers = await Promise.all([handler(1, context), handler(2, context), handler(3, context)]);
    expect(answers).toEqual([2, 4, 6]);
    expect(counts.loads).toBe(1);
  });

  it('loads ahead of the first invocation when asked, still once', async () => {
    const { handler, counts } = countingEntry();
    await handler.load();
    expect(counts.loads).toBe(1);
    expect(await handler(3, context)).toBe(6);
    expect(counts.loads).toBe(1);
  });

  it('fails the invocation whose load failed and loads again on the next one', async () => {
    const { handler, counts } = countingEntry({ failFirstLoad: true });
    await expect(handler(1, context)).rejects.toThrow('module failed to load');
    expect(await handler(1, context)).toBe(2);
    expect(counts.loads).toBe(2);
  });
});
