import type { Command } from 'commander';
import { DeploymentNotFoundError } from '../../shared/ports/store-errors.ts';
import type {
  OverrideWindowDeps,
  OverrideWindowResult,
} from '../../shared/use-cases/approval/override-window.ts';
import type { SuspendDeps, SuspendResult } from '../../shared/use-cases/approval/suspend-stack.ts';
import { StackNotFoundError } from '../../shared/use-cases/queries/explain-stack.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { useDevEnvironment } from '../dev-state.ts';
import type { CliVoteDeps } from './approve.ts';
import { CliVoteRefusedError, voterIdentity } from './approve.ts';

interface SuspendOptions {
  readonly as?: string;
  readonly json?: boolean;
  readonly reason?: string;
}

type HoldCommandDeps = SuspendDeps & OverrideWindowDeps & Pick<CliVoteDeps, 'whoAmI'>;

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
      await run(this, options, async (deps) => {
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
    await run(this, options, async (deps) => {
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
  await run(command, options, async (deps) => {
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

/** Runs one command against the Converge found here, mapping each way out to its exit code. */
async function run<R extends { readonly outcome: string; readonly message?: string }>(
  command: Command,
  options: SuspendOptions,
  act: (deps: HoldCommandDeps) => Promise<[R, string]>,
): Promise<void> {
  const dev = useDevEnvironment();
  if (!dev && !process.env.CONVERGE_TABLE_NAME) {
    failCommand(
      command,
      'No running `converge dev` found (.converge/dev.json in this folder or above) and CONVERGE_TABLE_NAME is not set: start `npm start`, or set the functions’ CONVERGE_* settings for Converge in AWS.',
      ExitCode.UNREACHABLE,
    );
  }
  let outcome: [R, string];
  try {
    const { deps } = await import('../../shared/runtime/deps.ts');
    outcome = await act(deps());
  } catch (error) {
    if (error instanceof DeploymentNotFoundError || error instanceof StackNotFoundError)
      failCommand(command, error.message, ExitCode.NOT_FOUND);
    if (error instanceof CliVoteRefusedError) failCommand(command, error.message, ExitCode.FAILED);
    const message = error instanceof Error ? error.message : String(error);
    failCommand(command, `could not reach Converge: ${message}`, ExitCode.UNREACHABLE);
  }
  const [result, line] = outcome;
  if (options.json) console.log(JSON.stringify(result, null, 2));
  if (result.outcome === 'refused') failCommand(command, `refused: ${result.message}`, ExitCode.FAILED);
  if (!options.json) console.log(line);
}
