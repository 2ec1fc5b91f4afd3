import type { Command } from 'commander';
import type { CancelResult } from '../../shared/use-cases/approval/cancel-deployment.ts';
import type { RetryResult } from '../../shared/use-cases/approval/retry-deployment.ts';
import { voterIdentity } from './approve.ts';
import { runAgainstConverge } from './run-against-converge.ts';

interface ControlOptions {
  readonly as?: string;
  readonly json?: boolean;
  readonly reason?: string;
}

/**
 * Registers `converge retry <id>` and `converge cancel <id> [--reason TEXT]`: they act as the
 * caller's AWS principal (`--as cli:<name>` only against the local host, as `converge approve`),
 * only for an approver of the stack, through the same gate as a Slack click. Against the running
 * `converge dev` unless `CONVERGE_TABLE_NAME` and the functions' other `CONVERGE_*` settings name
 * Converge in AWS. Exit codes: 0 done, 1 refused, 2 usage, 3 no such deployment, 4 unreachable.
 *
 * @example
 * converge retry 01M8BSJBZ5R3V07PZM8FG413HD
 * converge cancel 01M8BSJBZ5R3V07PZM8FG413HD --reason "wrong subnet" --json
 */
export function registerControlCommands(program: Command): void {
  const withCaller = (command: Command) =>
    command
      .argument('<deployment-id>', 'the deployment (from converge status, deployments or a notification)')
      .option(
        '--as <identity>',
        'act as cli:<name>; only against the local host (default: your AWS principal)',
      )
      .option('--json', 'print JSON for scripts');

  withCaller(
    program
      .command('retry')
      .description('plan a FAILED, PLAN_FAILED or EXPIRED deployment again; the new one waits for approval'),
  ).action(async function runRetry(this: Command, id: string, options: ControlOptions) {
    await runAgainstConverge(this, options, async (deps) => {
      const { retryDeployment } = await import('../../shared/use-cases/approval/retry-deployment.ts');
      const requestedBy = await voterIdentity(deps, options);
      const result = await retryDeployment(deps, { deploymentId: id, requestedBy });
      return [result, result.outcome === 'queued' ? retried(result) : ''];
    });
  });

  withCaller(
    program
      .command('cancel')
      .description('stop a deployment before it executes: a reject vote while it awaits approval')
      .option('--reason <text>', 'why, for the audit trail and the notification'),
  ).action(async function runCancel(this: Command, id: string, options: ControlOptions) {
    await runAgainstConverge(this, options, async (deps) => {
      const { cancelDeployment } = await import('../../shared/use-cases/approval/cancel-deployment.ts');
      const requestedBy = await voterIdentity(deps, options);
      const result = await cancelDeployment(deps, {
        deploymentId: id,
        requestedBy,
        via: 'cli',
        ...(options.reason ? { reason: options.reason } : {}),
      });
      return [result, result.outcome === 'cancelled' ? cancelled(result) : ''];
    });
  });
}

function retried(result: Extract<RetryResult, { outcome: 'queued' }>): string {
  const { retried: old } = result;
  return `${old.id} (${old.stack.stackName}, ${old.status}): planning ${old.revision.slice(0, 12)} again as deployment ${result.deploymentId}; it waits for approval like any other. Follow it with converge show ${result.deploymentId}.`;
}

function cancelled(result: Extract<CancelResult, { outcome: 'cancelled' }>): string {
  const { deployment } = result;
  return `${deployment.id} (${deployment.stack.stackName}): cancelled, now ${deployment.status}; its change set is deleted.`;
}
