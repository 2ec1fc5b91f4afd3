import { execFile } from 'node:child_process';

export interface RunGitOptions {
  /** The repository (working tree or bare) to run in. */
  readonly cwd: string;
  readonly gitBinary: string;
  readonly timeoutMs: number;
  /** Largest stdout accepted, in bytes. */
  readonly maxBuffer?: number;
}

/**
 * Global options on every command: pathspecs are literal (`:(glob)` is a name, not magic), no
 * hooks, filesystem monitor or automatic gc run, and the `ext::` transport (which runs commands)
 * is never allowed, whatever the repository's own configuration says.
 */
const SAFE_SETTINGS = [
  '--literal-pathspecs',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'gc.auto=0',
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'protocol.file.allow=always',
] as const;

/**
 * Runs one git command through `execFile` (never a shell) with {@link SAFE_SETTINGS}, no
 * terminal prompts, and returns stdout as bytes. Callers validate every argument first.
 *
 * @throws GitCommandError with git's last line of error output, credentials removed.
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      options.gitBinary,
      [...SAFE_SETTINGS, ...args],
      {
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        timeout: options.timeoutMs,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = redact(stderr.toString('utf8').trim().split('\n').slice(-1)[0] ?? '');
        const exitCode = typeof error.code === 'number' ? error.code : undefined;
        reject(new GitCommandError(args[0] ?? 'git', detail || redact(error.message), exitCode));
      },
    );
  });
}

/** A git command failed. */
export class GitCommandError extends Error {
  constructor(
    readonly command: string,
    detail: string,
    /** git's exit status, when it ran and exited (some commands answer a question with it). */
    readonly exitCode?: number,
  ) {
    super(`git ${command} failed: ${detail}`);
    this.name = 'GitCommandError';
  }
}

/** The non-empty parts of NUL-separated output (`-z`). */
export function splitZ(output: string): string[] {
  return output.split('\0').filter((part) => part.length > 0);
}

/** Removes credentials from URLs (`https://user:token@host` becomes `https://***@host`). */
export function redact(text: string): string {
  return text.replace(/\/\/[^/@\s]+@/g, '//***@');
}
