import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run test:reliability [-- --full]`: runs the vitest project `reliability` with the table
 * reporter, which prints the table (sent, expected, observed) and the line `N passed, N failed`.
 * `--full` is the long run (RELIABILITY_SIZE=full); other arguments go to vitest.
 */
const args = process.argv.slice(2);
const full = args.includes('--full');
const rest = args.filter((arg) => arg !== '--full');
const root = fileURLToPath(new URL('../..', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const child = spawn(
  process.execPath,
  [
    vitest,
    'run',
    '--project',
    'reliability',
    '--reporter=default',
    '--reporter=./test/reliability/support/table-reporter.ts',
    ...rest,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      RELIABILITY_SIZE: full ? 'full' : (process.env.RELIABILITY_SIZE ?? 'default'),
    },
  },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
