import type { Deployment, Reason } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { isInProgress, isUpdatable } from '../../domain/stack/stack-statuses.ts';
import { inSession } from '../deployment/stack-session.ts';
import { type CloseDeps, closeExecution } from './close-execution.ts';
import { executionEvidence } from './execution-evidence.ts';
import { startExecution } from './start-execution.ts';

export interface SettleDeps extends CloseDeps {
  readonly settings: {
    /** How long the stack lock holds without being released (the longest stack operation). */
    readonly lockLeaseMs: number;
    /**
     * How long a change set may stay AVAILABLE under an EXECUTING deployment before it is
     * executed (the execute function died between the EXECUTING write and ExecuteChangeSet).
     */
    readonly executionGraceMs?: number;
  };
}

/** What settling one EXECUTING deployment did. */
export type SettleOutcome =
  /** Its evidence closed it (SUCCEEDED or FAILED), or someone else closed it meanwhile. */
  | 'closed'
  /** Its change set never ran: it was executed now, with the deployment's token. */
  | 'resumed'
  /** Nothing says how it ends yet (running, unanswered, or within the grace period). */
  | 'waiting';

/**
 * Brings an EXECUTING deployment to the state CloudFormation's evidence says it is in: closes it
 * when its change set ran (its execution status or its token's stack events), fails it with a
 * reason when the change set can never run, and executes it with the same ClientRequestToken
 * when the change set is still AVAILABLE `graceMs` after the deployment turned EXECUTING (the
 * execute function died between the EXECUTING write and ExecuteChangeSet). The stack's current
 * status alone never closes it.
 */
export async function settleExecution(
  given: SettleDeps,
  deployment: Deployment,
  options: { readonly graceMs: number; readonly actor: string },
): Promise<SettleOutcome> {
  const deps = inSession(given, deployment.id);
  const { store, stacks, clock } = deps;
  const fail = async (reason: Reason): Promise<SettleOutcome> => {
    await closeExecution(
      deps,
      deployment,
      { succeeded: false, stackStatus: undefined, reason },
      options.actor,
    );
    return 'closed';
  };

  // What CloudFormation recorded about this deployment's own change set.
  const evidence = await executionEvidence(stacks, deployment);
  if (evidence.kind === 'ran') {
    await closeExecution(deps, deployment, evidence, options.actor);
    return 'closed';
  }
  if (evidence.kind === 'neverRuns') return fail({ code: evidence.code, message: evidence.message });
  if (evidence.kind !== 'notStarted') return 'waiting';

  // Still AVAILABLE: give the execute function its time to call ExecuteChangeSet first.
  if (Date.parse(deployment.updatedAt) + options.graceMs > clock.now()) return 'waiting';

  // The lock must still be this deployment's (a lapsed lease is taken back, another owner is not).
  if (
    !(await store.acquireLock(deployment.stackKey, deployment.id, clock.now(), deps.settings.lockLeaseMs))
  ) {
    return fail({
      code: ReasonCode.STACK_BUSY,
      message: `Change set ${deployment.changeSet?.name} never ran and another execution holds ${deployment.stack.stackName} now; push again to plan anew.`,
    });
  }
  // Never once another deployment became the newest attempt of the stack meanwhile.
  const newest = (await store.getStackState(deployment.stackKey))?.lastAttemptedDeploymentId;
  if (newest && newest !== deployment.id) {
    return fail({
      code: ReasonCode.NEWER_REVISION,
      message: `Change set ${deployment.changeSet?.name} never ran and deployment ${newest} is now the newest attempt of the stack; it will not run.`,
    });
  }
  const live = await stacks.describeStack(deployment.stack);
  if (live && isInProgress(live.status)) return 'waiting';
  if (live && !isUpdatable(live.status)) {
    return fail({
      code: ReasonCode.STACK_NOT_UPDATABLE,
      message: `${deployment.stack.stackName} is ${live.status}; repair the stack before deploying.`,
    });
  }

  // Execute it now, with the same token: if an earlier call did reach CloudFormation, nothing runs twice.
  const started = await startExecution(stacks, deployment);
  if (started.kind === 'refused') return fail(started.reason);
  return started.kind === 'started' ? 'resumed' : 'waiting';
}
