import type { Command } from 'commander';
import type { OverrideWindowResult } from '../../shared/use-cases/approval/override-window.ts';
import type { SuspendResult } from '../../shared/use-cases/approval/suspend-stack.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { voterIdentity } from './approve.ts';
import { runAgainstConverge } from './run-against-converge.ts';

interface SuspendOptions {
  readonly as?: string;
  readonly json?: boolean;
  readonly reason?: string;
}

/**
 * Registers `converge suspend <stack> [--reason TEXT]` and `converge resume <stack>`: an approver
 * of the stack holds its executions and drift reverts during an incident, then releases what
 * waited. They act as the caller's AWS principal (`--as cli:<name>` only against the local host),
 * like `converge retry` and `cancel`. Exit codes: 0 done, 1 refused, 2 usage, 3 no such stack,
 * 4 unreachable.
 *
 * @example
 * converge suspend network-prod --reason "INC-42: database failover"
 * converge resume network-prod
 */
export function registerSuspendCommands(program: Command): void {
  const stackCommand = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument('<stack>', 'the stack name (as converge status lists it)')
      .option(
        '--as <identity>',
        'act as cli:<name>; only against the local host (default: your AWS principal)',
      )
      .option('--json', 'print JSON for scripts');

  stackCommand('suspend', 'hold the stack’s deploys and drift reverts (an incident) until converge resume')
    .option('--reason <text>', 'why, for the audit trail and converge status')
    .action(async function runSuspend(this: Command, stackName: string, options: SuspendOptions) {
      await runAgainstConverge(this, options, async (deps) => {
        const { setStackSuspended } = await import('../../shared/use-cases/approval/suspend-stack.ts');
        const requestedBy = await voterIdentity(deps, options);
        const input = { stackName, requestedBy, ...(options.reason ? { reason: options.reason } : {}) };
        return said(await setStackSuspended(deps, input, true), stackName);
      });
    });

  stackCommand(
    'resume',
    'release a suspended stack: what waited executes (inside its deploy windows)',
  ).action(async function runResume(this: Command, stackName: string, options: SuspendOptions) {
    await runAgainstConverge(this, options, async (deps) => {
      const { setStackSuspended } = await import('../../shared/use-cases/approval/suspend-stack.ts');
      const requestedBy = await voterIdentity(deps, options);
      return said(await setStackSuspended(deps, { stackName, requestedBy }, false), stackName);
    });
  });
}

/** `converge approve <id> --override-window --reason TEXT`: runs one approved deployment outside its windows. */
export async function runWindowOverride(
  command: Command,
  deploymentId: string,
  options: SuspendOptions,
): Promise<void> {
  if (!options.reason?.trim())
    failCommand(
      command,
      '--override-window needs --reason "...": the override is audited with it.',
      ExitCode.USAGE,
    );
  await runAgainstConverge(command, options, async (deps) => {
    const { overrideWindow } = await import('../../shared/use-cases/approval/override-window.ts');
    const requestedBy = await voterIdentity(deps, options);
    const result: OverrideWindowResult = await overrideWindow(deps, {
      deploymentId,
      requestedBy,
      reason: options.reason!,
    });
    const line =
      result.outcome === 'overridden'
        ? `${deploymentId} (${result.deployment.stack.stackName}): window overridden by ${requestedBy}; its execution is queued (a suspension still holds it).`
        : '';
    return [result, line];
  });
}

function said(result: SuspendResult, stackName: string): [SuspendResult, string] {
  if (result.outcome === 'refused') return [result, ''];
  const already = result.unchanged.length === result.stacks.length;
  if (result.outcome === 'suspended') {
    return [
      result,
      already
        ? `${stackName} was already suspended; nothing changed.`
        : `${stackName}: suspended. Its deploys and drift reverts wait until converge resume ${stackName}.`,
    ];
  }
  const released = result.released.length > 0 ? ` Released: ${result.released.join(', ')}.` : '';
  return [
    result,
    already ? `${stackName} was not suspended; nothing changed.` : `${stackName}: resumed.${released}`,
  ];
}
