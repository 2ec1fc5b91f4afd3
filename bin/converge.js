#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx converge` works from a checkout without a build.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(
  process.execPath,
  // tsx resolved from this checkout, not from the working directory: `converge validate` runs
  // wherever the policy lives.
  ['--import', import.meta.resolve('tsx'), join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
