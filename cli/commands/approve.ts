import type { Command } from 'commander';
import { LOCAL_ACCOUNT_ID } from '../../local/cloud/create-cloud-event.ts';
import type { ApproverIdentity } from '../../shared/domain/approval/approval.ts';
import { parseApproverIdentity } from '../../shared/domain/approval/parse-approver-identity.ts';
import type { WhoAmI } from '../../shared/ports/caller-identity.ts';
import {
  type ApprovalDecisionResult,
  type DecideApprovalDeps,
  decideApproval,
} from '../../shared/use-cases/approval/decide-approval.ts';
import { ExitCode, failCommand } from '../command-error.ts';
import { useDevEnvironment } from '../dev-state.ts';

interface ApproveCommandOptions {
  readonly as?: string;
  readonly reject?: boolean;
  readonly changeSet?: string;
  readonly overrideWindow?: boolean;
  readonly reason?: string;
  readonly json?: boolean;
}

/** One vote from the command line. */
export interface CliVote {
  readonly deploymentId: string;
  /** `cli:<name>`: someone to vote as, accepted only by the local host. */
  readonly as?: string;
  readonly decision: 'approve' | 'reject';
  readonly changeSetId?: string;
}

/** What a command-line vote needs: the approval gate, and who the AWS credentials belong to. */
export interface CliVoteDeps extends DecideApprovalDeps {
  readonly whoAmI: WhoAmI;
}

/** The vote refused or the identity malformed: the message says why and what to do. */
export class CliVoteRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliVoteRefusedError';
  }
}

/**
 * Casts a vote through the same gate as Slack and GitHub reviews (`decideApproval`, `via: 'cli'`),
 * bound to the deployment and its current change set, counted only for allowed approvers.
 *
 * The voter is whoever the AWS credentials belong to: `aws:<principal ARN>` as
 * `sts:GetCallerIdentity` reports it, one person with their other identities through the
 * control-plane policy's `people:`. `--as cli:<name>` names someone else, so it is accepted only
 * when the caller is in the local cloud's account (`000000000000`, which no AWS account has;
 * only `converge dev`'s local cloud answers with it). No flag or environment variable says "local".
 *
 * @example
 * const result = await castCliVote(deps(), { deploymentId, decision: 'approve' });
 */
export async function castCliVote(deps: CliVoteDeps, vote: CliVote): Promise<ApprovalDecisionResult> {
  const approver = await voterIdentity(deps, vote);
  return decideApproval(deps, {
    deploymentId: vote.deploymentId,
    ...(vote.changeSetId ? { changeSetId: vote.changeSetId } : {}),
    approver,
    decision: vote.decision,
    via: 'cli',
  });
}

/**
 * Who the command line acts as: `aws:<principal ARN>` from the AWS credentials, or `--as cli:<name>`
 * only when the caller is in the local cloud's account (see {@link castCliVote}).
 *
 * @throws CliVoteRefusedError when `--as` is used against AWS or names no command-line identity.
 */
export async function voterIdentity(
  deps: Pick<CliVoteDeps, 'whoAmI'>,
  vote: Pick<CliVote, 'as'>,
): Promise<ApproverIdentity> {
  const caller = await deps.whoAmI();
  if (vote.as === undefined) {
    const identity = parseApproverIdentity(`aws:${caller.arn}`);
    if (!identity.ok) throw new CliVoteRefusedError(identity.message);
    return identity.identity;
  }
  if (caller.account !== LOCAL_ACCOUNT_ID) {
    throw new CliVoteRefusedError(
      `--as is accepted only by the local host; against AWS you vote as your AWS principal (${caller.arn}). Drop --as, and have it listed under people: in the control-plane policy.`,
    );
  }
  const identity = parseApproverIdentity(vote.as);
  if (!identity.ok) throw new CliVoteRefusedError(identity.message);
  if (!identity.identity.startsWith('cli:')) {
    throw new CliVoteRefusedError(`--as names a command-line identity, like cli:alice; got "${vote.as}".`);
  }
  return identity.identity;
}

/**
 * Registers `converge approve <deployment-id> [--as cli:name] [--reject]`: votes on a deployment
 * with the configuration of the environment (the same `CONVERGE_*` variables the functions read),
 * as the caller's AWS principal.
 *
 * @example
 * converge approve 01M8BSJBZ5R3V07PZM8FG413HD
 */
export function registerApproveCommand(program: Command): Command {
  return program
    .command('approve')
    .description('approve (or --reject) a deployment, as the Slack buttons do')
    .argument('<deployment-id>', 'the deployment, as shown in the approval request')
    .option(
      '--as <identity>',
      'who votes, cli:<name>; only against the local host (default: your AWS principal)',
    )
    .option('--reject', 'reject instead of approving')
    .option('--change-set <id>', 'the change set you reviewed (default: the deployment’s current one)')
    .option(
      '--override-window',
      'run an APPROVED deployment now, outside its deploy windows (approvers only; needs --reason)',
    )
    .option('--reason <text>', 'why the window is overridden, for the audit trail')
    .option('--json', 'print JSON for scripts (with --override-window)')
    .action(async function runApprove(this: Command, deploymentId: string, options: ApproveCommandOptions) {
      if (options.overrideWindow) {
        if (options.reject || options.changeSet)
          failCommand(
            this,
            '--override-window takes no --reject or --change-set: it runs an approved deployment.',
            ExitCode.USAGE,
          );
        const { runWindowOverride } = await import('./suspend.ts');
        return runWindowOverride(this, deploymentId, options);
      }
      // Against the converge dev running here unless CONVERGE_TABLE_NAME names one in AWS.
      useDevEnvironment();
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
