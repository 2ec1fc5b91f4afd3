import { Command } from 'commander';
import { ExitCode } from './command-error.ts';

/**
 * Commander's Command with Converge's error manners: a mistake on the command line gets one line
 * saying what was wrong and the command's own usage line (never the whole program's help), and
 * exit code 2 (`ExitCode.USAGE`).
 */
export class ConvergeCommand extends Command {
  override createCommand(name?: string): ConvergeCommand {
    return new ConvergeCommand(name);
  }

  override error(message: string, options?: { code?: string; exitCode?: number }): never {
    const usageError = options?.code?.startsWith('commander.') ?? false;
    const prefix = this.parent ? `${path(this)}: ` : 'converge: ';
    process.stderr.write(`${prefix}${message.replace(/^error: /, '')}\n`);
    if (usageError) process.stderr.write(`usage: ${path(this)} ${this.usage()}\n`);
    process.exit(usageError ? ExitCode.USAGE : (options?.exitCode ?? ExitCode.FAILED));
  }
}

function path(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent)
    names.unshift(current.name());
  return names.join(' ');
}
