import { defineConfig } from 'vitest/config';

/**
 * Three projects (ARCHITECTURE.md, "Code layout"): `unit` makes no network calls;
 * `integration` holds the integration and end-to-end tests, which start real servers on
 * free loopback ports and stop them in their own teardown; `reliability` proves the
 * invariants under load, faults and hostile input (docs/reliability.md).
 */
export default defineConfig({
  test: {
    // In CI a JSON report is written too, so .ci/run can print one plain closing line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest/results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        // Load, faults and hostile input against the local host and cloud (docs/reliability.md);
        // `npm run test:reliability` prints their table. One file at a time: each runs a host.
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 1_800_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
