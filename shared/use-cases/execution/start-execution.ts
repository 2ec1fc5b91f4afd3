import { type Deployment, DeploymentKind, type Reason } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { ChangeSetExecutionRefusedError, type Stacks } from '../../ports/stacks.ts';
import { executionEvidence } from './execution-evidence.ts';

/** How asking CloudFormation to run an EXECUTING deployment's change set went. */
export type StartOutcome =
  /** It runs (or already ran): its evidence will close the deployment. */
  | { readonly kind: 'started' }
  /** CloudFormation refused it and nothing of it ran: the deployment fails with the reason. */
  | { readonly kind: 'refused'; readonly reason: Reason }
  /** No answer says whether it runs: the deployment stays EXECUTING, the lock held, for reconcile. */
  | { readonly kind: 'unresolved'; readonly message: string };

/** ExecuteChangeSet calls per start; the SDK retries each call on its own, too. */
const ATTEMPTS = 3;

/**
 * ExecuteChangeSet with the deployment id as ClientRequestToken, so a repeat never starts a
 * second operation. An answer that is no answer (timeout, 5xx, lost connection) is resolved by
 * asking CloudFormation what happened (the change set's execution status, the stack events
 * carrying the token), never by assuming failure: executed means started; still AVAILABLE means
 * call again with the same token.
 */
export async function startExecution(stacks: Stacks, deployment: Deployment): Promise<StartOutcome> {
  if (deployment.kind === DeploymentKind.DELETE) return startDeletion(stacks, deployment);
  const changeSet = deployment.changeSet!;
  let problem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      await stacks.executeChangeSet(deployment.stack, changeSet.id, deployment.id);
      return { kind: 'started' };
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      // Whatever the answer, CloudFormation's own record says whether this change set runs.
      const evidence = await executionEvidence(stacks, deployment);
      if (evidence.kind === 'ran' || evidence.kind === 'running') return { kind: 'started' };
      if (evidence.kind === 'neverRuns')
        return { kind: 'refused', reason: { code: evidence.code, message: evidence.message } };
      if (evidence.kind === 'unknown')
        return { kind: 'unresolved', message: `${problem}; ${evidence.message}` };
      // Refused, and CloudFormation's record says nothing of it ran: a failure with its reason.
      if (error instanceof ChangeSetExecutionRefusedError) {
        return { kind: 'refused', reason: { code: ReasonCode.EXECUTION_FAILED, message: problem } };
      }
      // Still AVAILABLE: this call never reached it; the same token makes another call safe.
    }
  }
  return { kind: 'unresolved', message: problem };
}

/**
 * A deletion's "change set" is the stack itself (its unique id): DeleteStack by that id with the
 * deployment id as ClientRequestToken, resolved like an execution when the answer is no answer.
 * CloudFormation's ValidationError (termination protection, say) is a refusal.
 */
async function startDeletion(stacks: Stacks, deployment: Deployment): Promise<StartOutcome> {
  if (!stacks.deleteStack) {
    return {
      kind: 'refused',
      reason: { code: ReasonCode.EXECUTION_FAILED, message: 'This Converge cannot delete stacks.' },
    };
  }
  try {
    await stacks.deleteStack(deployment.stack, deployment.changeSet!.id, deployment.id);
    return { kind: 'started' };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    const evidence = await executionEvidence(stacks, deployment);
    if (evidence.kind === 'ran' || evidence.kind === 'running') return { kind: 'started' };
    if (error instanceof Error && error.name === 'ValidationError') {
      const protectedStack = /TerminationProtection/.test(problem);
      return {
        kind: 'refused',
        reason: {
          code: protectedStack ? ReasonCode.STACK_PROTECTED : ReasonCode.EXECUTION_FAILED,
          message: problem,
        },
      };
    }
    return { kind: 'unresolved', message: problem };
  }
}
