import type { ApproverIdentity } from '../../domain/approval/approval.ts';
import { personOf } from '../../domain/approval/approver-aliases.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { iso } from '../../domain/time.ts';
import type { Suspension } from '../../domain/window/execution-hold.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Queue } from '../../ports/queue.ts';
import type { StackState, Store } from '../../ports/store.ts';
import { StackNotFoundError } from '../queries/explain-stack.ts';
import { type ControlDeps, type ControlRefusal, controlRefusal } from './may-control-deployment.ts';

export interface SuspendDeps extends ControlDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly queue: Queue;
}

export interface SuspendInput {
  readonly stackName: string;
  /** Who suspends or resumes, as an approver identity (`aws:<arn>`, `cli:alice`). */
  readonly requestedBy: ApproverIdentity;
  readonly reason?: string;
}

export type SuspendResult =
  | ControlRefusal
  | {
      readonly outcome: 'suspended' | 'resumed';
      /** The stacks of that name (one per account and Region), as stored afterwards. */
      readonly stacks: readonly StackState[];
      /** Stacks that already were as asked: nothing was written for them. */
      readonly unchanged: readonly string[];
      /** Approved deployments whose execution a resume queued again. */
      readonly released: readonly string[];
    };

/**
 * `converge suspend <stack>`: holds the stack's executions and drift reverts (an incident, a
 * freeze nobody scheduled) until `converge resume <stack>`, which queues what waited. Only an
 * approver of the stack (its latest deployment's rule, else the control-plane approvers) may;
 * each change is written with its audit record (who, why). An execution already running is not
 * stopped: CloudFormation finishes or rolls it back.
 *
 * @throws StackNotFoundError when Converge has no state for a stack of that name.
 * @example
 * await setStackSuspended(deps, { stackName: 'network-prod', requestedBy: 'cli:alice', reason: 'INC-42' }, true);
 */
export async function setStackSuspended(
  deps: SuspendDeps,
  input: SuspendInput,
  suspended: boolean,
): Promise<SuspendResult> {
  const { store, clock } = deps;
  const states = (await store.listStackStates()).filter(
    (state) => state.stackKey.split('/').at(-1) === input.stackName,
  );
  if (states.length === 0) throw new StackNotFoundError(input.stackName);

  // Only an approver of the stack may hold or release it.
  for (const state of states) {
    const refused = await refusalFor(deps, state, input.requestedBy, suspended ? 'suspend' : 'resume');
    if (refused) return refused;
  }

  const stacks: StackState[] = [];
  const unchanged: string[] = [];
  const released: string[] = [];
  for (const state of states) {
    // Already as asked: nothing to write.
    if (Boolean(state.suspended) === suspended) {
      unchanged.push(state.stackKey);
      stacks.push(state);
      continue;
    }
    const at = iso(clock);
    const suspension: Suspension | undefined = suspended
      ? { by: input.requestedBy, at, ...(input.reason ? { reason: input.reason } : {}) }
      : undefined;
    stacks.push(
      await store.setSuspension(state.stackKey, suspension, {
        subject: `stack#${state.stackKey}`,
        action: suspended ? AuditAction.SUSPENDED : AuditAction.RESUMED,
        actor: input.requestedBy,
        at,
        ...(input.reason ? { reason: input.reason } : {}),
      }),
    );
    // Resumed: queue again the approved deployments that waited (executing is idempotent and locked).
    if (!suspended) released.push(...(await release(deps, state.stackKey)));
  }
  return { outcome: suspended ? 'suspended' : 'resumed', stacks, unchanged, released };
}

async function release({ store, queue, clock }: SuspendDeps, stackKey: string): Promise<string[]> {
  const approved = (await store.listDeployments(stackKey)).filter(
    (deployment) => deployment.status === DeploymentStatus.APPROVED,
  );
  for (const deployment of approved) {
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey },
      { group: stackKey, dedupeId: dedupeId('execute', deployment.id, 'resume', clock.now()) },
    );
  }
  return approved.map((deployment) => deployment.id);
}

/** The stack's latest deployment's rule decides who controls it; with none, the control-plane approvers. */
async function refusalFor(
  deps: SuspendDeps,
  state: StackState,
  who: ApproverIdentity,
  action: 'suspend' | 'resume',
): Promise<ControlRefusal | undefined> {
  const [latest] = await deps.store.listDeployments(state.stackKey, { limit: 1 });
  const name = state.stackKey.split('/').at(-1) ?? state.stackKey;
  if (latest) {
    const refused = controlRefusal(deps, latest, who, action);
    return (
      refused && { ...refused, message: refused.message.replace(`deployment ${latest.id}`, `stack ${name}`) }
    );
  }
  const person = personOf(who, deps.aliases);
  if (deps.policy.approvers.some((identity) => personOf(identity, deps.aliases) === person)) return undefined;
  return {
    outcome: 'refused',
    code: 'NotAnApprover',
    message: `${who} may not ${action} stack ${name}: only an approver may (${deps.policy.approvers.join(', ')}).`,
  };
}
