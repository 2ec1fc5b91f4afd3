import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parseApproverIdentity } from '../../shared/domain/approval/parse-approver-identity.ts';
import {
  type ApprovalDecisionResult,
  type DecideApprovalDeps,
  decideApproval,
} from '../../shared/use-cases/decide-approval.ts';

interface ApproveCommandOptions {
  readonly as?: string;
  readonly reject?: boolean;
  readonly changeSet?: string;
}

/** One vote from the command line. */
export interface CliVote {
  readonly deploymentId: string;
  /** `cli:<name>`; defaults to `cli:<login name>`. */
  readonly as?: string;
  readonly decision: 'approve' | 'reject';
  readonly changeSetId?: string;
}

/** The vote refused or the identity malformed: the message says why and what to do. */
export class CliVoteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliVoteRefusedError';
  }
}

/**
 * Casts a vote through the same gate as Slack and GitHub reviews (`decideApproval`, `via: 'cli'`):
 * bound to the deployment and its current change set, counted only for allowed approvers.
 *
 * @example
 * const result = await castCliVote(deps(), { deploymentId, as: 'cli:alice', decision: 'approve' });
 */
export async function castCliVote(deps: DecideApprovalDeps, vote: CliVote): Promise<ApprovalDecisionResult> {
  const identity = parseApproverIdentity(vote.as ?? `cli:${userInfo().username}`);
  if (!identity.ok) throw new CliVoteRefusedError(identity.message);
  if (!identity.identity.startsWith('cli:')) {
    throw new CliVoteRefusedError(`--as names a command-line identity, like cli:alice; got "${vote.as}".`);
  }
  return decideApproval(deps, {
    deploymentId: vote.deploymentId,
    ...(vote.changeSetId ? { changeSetId: vote.changeSetId } : {}),
    approver: identity.identity,
    decision: vote.decision,
    via: 'cli',
  });
}

/**
 * Registers `converge approve <deployment-id> [--as cli:name] [--reject]`: votes on a deployment
 * with the configuration of the environment (the same `CONVERGE_*` variables the functions read).
 *
 * @example
 * converge approve 01M8BSJBZ5R3V07PZM8FG413HD --as cli:alice
 */
export function registerApproveCommand(program: Command): Command {
  return program
    .command('approve')
    .description('approve (or --reject) a deployment, as the Slack buttons do')
    .argument('<deployment-id>', 'the deployment, as shown in the approval request')
    .option('--as <identity>', 'who votes, cli:<name> (default: cli:<your login name>)')
    .option('--reject', 'reject instead of approving')
    .option('--change-set <id>', 'the change set you reviewed (default: the deployment’s current one)')
    .action(async function runApprove(deploymentId: string, options: ApproveCommandOptions) {
      const { deps } = await import('../../shared/runtime/deps.ts');
      try {
        const result = await castCliVote(deps(), {
          deploymentId,
          decision: options.reject ? 'reject' : 'approve',
          ...(options.as ? { as: options.as } : {}),
          ...(options.changeSet ? { changeSetId: options.changeSet } : {}),
        });
        if (result.outcome === 'refused') program.error(`Your vote does not count: ${result.message}`);
        console.log(`${deploymentId}: ${result.outcome} (${result.deployment.status})`);
      } catch (error) {
        program.error((error as Error).message);
      }
    });
}
