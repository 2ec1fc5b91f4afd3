import type { Command } from 'commander';

/** What a `converge` exit code means, the same for every command. */
export const ExitCode = {
  OK: 0,
  /** The command ran and its answer is "no" (a refused vote, a failed check) or it failed. */
  FAILED: 1,
  /** The command line is wrong: an unknown option, a missing argument, a bad value. */
  USAGE: 2,
  /** What the command names (a deployment, a stack) does not exist. */
  NOT_FOUND: 3,
  /** Converge could not be reached (no running `converge dev`, no table). */
  UNREACHABLE: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Ends a command with one line saying what was wrong and the command's usage line, never the
 * whole program's help and never a stack trace.
 *
 * @example
 * failCommand(command, 'deployment 01X does not exist', ExitCode.NOT_FOUND);
 */
export function failCommand(command: Command, message: string, code: ExitCode = ExitCode.FAILED): never {
  process.stderr.write(`converge ${command.name()}: ${message}\n`);
  process.stderr.write(`usage: ${commandPath(command)} ${command.usage()}\n`);
  process.exit(code);
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}
