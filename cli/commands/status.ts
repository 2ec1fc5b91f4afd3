import type { Command } from 'commander';
import { DeploymentNotFoundError } from '../../shared/ports/store.ts';
import { deploymentDetails } from '../../shared/use-cases/queries/deployment-details.ts';
import { explainStack, StackNotFoundError } from '../../shared/use-cases/queries/explain-stack.ts';
import { stackOverview } from '../../shared/use-cases/queries/stack-overview.ts';
import { type CliTarget, CliTargetMissingError, cliTarget, type TargetOptions } from '../cli-target.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { describeDeploymentDetails, describeDeploymentLine, describeStackOverview } from '../describe.ts';

interface ReadOptions extends TargetOptions {
  readonly json?: boolean;
}

/** Where the commands write and which Converge they read; tests pass their own. */
export interface StatusCommandIo {
  readonly out: (line: string) => void;
  readonly target: (options: TargetOptions) => CliTarget;
}

/**
 * Registers the read commands an operator needs to see what happened, why, and what to do next,
 * without the AWS CLI or DynamoDB: `status`, `deployments`, `show` and `why`. Each finds a running
 * `converge dev` by itself, or reads a table in AWS named with `--table`/`--region`.
 *
 * @example
 * converge status
 * converge why network-prod
 * converge show 01M8BX26TAR17JABXTBYZ2GPE4 --json
 */
export function registerStatusCommands(program: Command, io?: StatusCommandIo): void {
  const out = io?.out ?? ((line: string) => console.log(line));
  const target = io?.target ?? ((options: TargetOptions) => cliTarget(options));
  const withTarget = (command: Command) =>
    command
      .option(
        '--table <name>',
        'the Converge table in AWS (default: CONVERGE_TABLE_NAME, else the running converge dev)',
      )
      .option('--region <region>', 'its AWS Region (default: AWS_REGION)')
      .option('--json', 'print JSON for scripts');

  /** Runs a read, mapping the errors an operator can act on to one line and an exit code. */
  const run = async (command: Command, options: ReadOptions, read: (t: CliTarget) => Promise<void>) => {
    let resolved: CliTarget;
    try {
      resolved = target(options);
    } catch (error) {
      if (error instanceof CliTargetMissingError) failCommand(command, error.message, ExitCode.UNREACHABLE);
      throw error;
    }
    try {
      await read(resolved);
    } catch (error) {
      if (error instanceof DeploymentNotFoundError || error instanceof StackNotFoundError)
        failCommand(command, error.message, ExitCode.NOT_FOUND);
      const message = error instanceof Error ? error.message : String(error);
      failCommand(command, `could not read ${resolved.description}: ${message}`, ExitCode.UNREACHABLE);
    }
  };

  withTarget(
    program
      .command('status')
      .description('every managed stack: last applied revision, state, drift, what is pending'),
  ).action(async function runStatus(this: Command, options: ReadOptions) {
    await run(this, options, async (t) => {
      const stacks = await stackOverview(t);
      if (options.json) return out(JSON.stringify(stacks, null, 2));
      if (stacks.length === 0) return out(`No stacks yet (${t.description}). Push a commit to deploy one.`);
      for (const line of describeStackOverview(stacks, t.clock.now())) out(line);
    });
  });

  withTarget(
    program
      .command('deployments')
      .description('deployment history, newest first')
      .option('-s, --stack <name>', 'only this stack')
      .option('-n, --limit <n>', 'at most this many per stack', '20'),
  ).action(async function runDeployments(
    this: Command,
    options: ReadOptions & { stack?: string; limit: string },
  ) {
    const limit = Number(options.limit);
    if (!(Number.isInteger(limit) && limit >= 1))
      failCommand(
        this,
        `--limit must be a whole number of 1 or more, got '${options.limit}'.`,
        ExitCode.USAGE,
      );
    await run(this, options, async (t) => {
      const stacks = await stackOverview(t, {
        ...(options.stack ? { stackName: options.stack } : {}),
        deploymentsPerStack: limit,
      });
      if (options.stack && stacks.length === 0) throw new StackNotFoundError(options.stack);
      const deployments = (
        await Promise.all(stacks.map((s) => t.store.listDeployments(s.stackKey, { limit })))
      )
        .flat()
        .sort((a, b) =>
          a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id),
        );
      if (options.json) return out(JSON.stringify(deployments, null, 2));
      if (deployments.length === 0) return out('No deployments yet.');
      for (const deployment of deployments) out(describeDeploymentLine(deployment));
    });
  });

  withTarget(
    program
      .command('show')
      .description('one deployment: status, reason, change summary, votes, audit trail, timings')
      .argument('<deployment-id>', 'the deployment id (from status, deployments or a notification)'),
  ).action(async function runShow(this: Command, id: string, options: ReadOptions) {
    await run(this, options, async (t) => {
      const details = await deploymentDetails(t, id);
      if (options.json) return out(JSON.stringify(details, null, 2));
      for (const line of describeDeploymentDetails(details)) out(line);
    });
  });

  withTarget(
    program
      .command('why')
      .description(
        'what a stack is waiting on: an approval, the lock, a plan, an execution, or why it stopped',
      )
      .argument('<stack>', 'the stack name'),
  ).action(async function runWhy(this: Command, stackName: string, options: ReadOptions) {
    await run(this, options, async (t) => {
      const explanations = await explainStack(t, { stackName });
      if (options.json) return out(JSON.stringify(explanations, null, 2));
      for (const { stack, waits } of explanations) {
        out(`${stack.stackName} (${stack.region})`);
        for (const wait of waits) out(`  ${wait.message}`);
      }
    });
  });
}
