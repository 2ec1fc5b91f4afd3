import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

/**
 * What a running `converge dev` leaves in the project (`.converge/dev.json`) so other commands
 * find it: where it listens and where its state is. No secrets: the functions' secrets stay in
 * the host's own process.
 */
export interface DevState {
  readonly pid: number;
  /** The host's Function URLs, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The local cloud (CloudFormation, S3, DynamoDB) the host uses. */
  readonly cloudEndpoint: string;
  readonly region: string;
  readonly tableName: string;
  readonly startedAt: string;
  /** The repositories the host reads: `owner/name` → local path or git URL (for `converge push`). */
  readonly repositories?: Readonly<Record<string, string>>;
  /**
   * Whether the host signs webhooks with the local-only default secret (printed as such when it
   * starts) or with `CONVERGE_GITHUB_WEBHOOK_SECRET` from its environment, which `converge push` then needs too.
   */
  readonly webhookSecret?: 'local-default' | 'environment';
  /**
   * The functions' environment (a private 0600 file of `NAME=value` lines, secrets included),
   * which commands that run a use case themselves (`approve`, `drift`) load instead of asking
   * for variables on the command line.
   */
  readonly environmentFile?: string;
}

/** Where `converge dev` started in `cwd` records itself. */
export function devStatePath(cwd: string): string {
  return join(cwd, '.converge', 'dev.json');
}

/** Records a running host; `remove` deletes the record again (only if it is still this one's). */
export function writeDevState(cwd: string, state: DevState): { remove(): void } {
  const file = devStatePath(cwd);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return {
    remove() {
      const current = readState(file);
      if (current?.pid === state.pid) rmSync(file, { force: true });
    },
  };
}

/**
 * The running `converge dev` recorded in `cwd` or the nearest folder above it, if its process is
 * still alive; a record left by a host that died is ignored.
 */
export function findDevState(cwd: string): DevState | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const state = readState(devStatePath(dir));
    if (state && isAlive(state.pid)) return state;
    if (dir === parse(dir).root) return undefined;
  }
}

function readState(file: string): DevState | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevState>;
    if (
      typeof value.pid === 'number' &&
      typeof value.url === 'string' &&
      typeof value.cloudEndpoint === 'string' &&
      typeof value.region === 'string' &&
      typeof value.tableName === 'string'
    )
      return value as DevState;
  } catch {
    // Missing or unreadable: no host recorded here.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * For commands that run use cases in this process (`approve`, `drift`): when no Converge in AWS is
 * named (`CONVERGE_TABLE_NAME` unset), load the functions' environment of the `converge dev`
 * running here, so the command needs no variables. Returns where it points, or undefined.
 */
export function useDevEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): DevState | undefined {
  if (env.CONVERGE_TABLE_NAME) return undefined;
  const state = findDevState(cwd);
  if (!state?.environmentFile) return undefined;
  let text: string;
  try {
    text = readFileSync(state.environmentFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return state;
}

/**
 * The project's events token (`.converge/events-token`, 0600), made on first use and kept, so a
 * local cloud started apart keeps posting to a restarted `converge dev` with the same target.
 */
export function projectEventsToken(cwd: string): string {
  const file = join(cwd, '.converge', 'events-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return token;
  } catch {
    // Not made yet.
  }
  const token = randomBytes(24).toString('hex');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
