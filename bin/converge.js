#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx converge` works from a checkout without a build.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(
  process.execPath,
  // tsx resolved from this checkout, not from the working directory, so the command works
  // from any folder.
  ['--import', import.meta.resolve('tsx'), join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    // The AWS SDK warns on every run that Node 20 leaves its support window; the README says
    // once that Node 22 is recommended, so the command's output stays the command's.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  },
);
// A signal sent to this process (a service manager's SIGTERM, a test's kill) reaches the command,
// so `converge dev` stops what it started instead of being orphaned.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code ?? 1);
});
