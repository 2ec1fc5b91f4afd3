import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import type { DriftStore } from '../../ports/drift-store.ts';
import type { Store } from '../../ports/store.ts';
import { type StackOverview, stackOverview } from './stack-overview.ts';

/** One thing a stack is waiting on, or why it is where it is. */
export type StackWait =
  | { readonly kind: 'converged'; readonly revision: string; readonly at: string; readonly message: string }
  | { readonly kind: 'never-deployed'; readonly message: string }
  | {
      readonly kind: 'approval';
      readonly deploymentId: string;
      readonly approved: readonly string[];
      readonly required: number;
      readonly approvers: readonly string[];
      readonly expiresAt?: string;
      readonly message: string;
    }
  | {
      readonly kind: 'lock';
      readonly deploymentId: string;
      readonly owner: string;
      readonly expiresAt: number;
      readonly message: string;
    }
  | {
      readonly kind: 'planning' | 'queued' | 'executing';
      readonly deploymentId: string;
      readonly since: string;
      readonly message: string;
    }
  | {
      readonly kind: 'suspended';
      readonly by: string;
      readonly since: string;
      readonly reason?: string;
      readonly message: string;
    }
  | {
      readonly kind: 'held';
      readonly deploymentId: string;
      readonly hold: 'suspended' | 'window';
      readonly mayRunAt?: string;
      readonly message: string;
    }
  | {
      /** Planned only after these stacks' deployments at the same revision end. */
      readonly kind: 'dependencies';
      readonly deploymentId: string;
      readonly dependencies: readonly DependencyWait[];
      readonly message: string;
    }
  | {
      readonly kind: 'failed';
      readonly deploymentId: string;
      readonly status: DeploymentStatus;
      readonly message: string;
    };

/** One dependency a deployment waits for, and where its deployment at the revision stands. */
export interface DependencyWait {
  readonly stackName: string;
  readonly deploymentId?: string;
  readonly status?: DeploymentStatus;
}

export interface StackExplanation {
  readonly stack: StackOverview;
  readonly waits: readonly StackWait[];
}

/** No stack Converge has state for has that name. */
export class StackNotFoundError extends Error {
  readonly stackName: string;
  constructor(stackName: string) {
    super(
      `Converge has no state for a stack named ${stackName}; \`converge status\` lists the stacks it manages.`,
    );
    this.name = 'StackNotFoundError';
    this.stackName = stackName;
  }
}

/**
 * What a stack waits on, in words: an approval (by whom, how many, until when), the stack lock
 * (held by which deployment, until when), a plan or an execution under way — or, with nothing in
 * flight, the revision it converged on or the failure that stopped the latest attempt.
 *
 * @throws StackNotFoundError when Converge has no state for the stack.
 * @example
 * const { waits } = await explainStack(deps, { stackName: 'network-prod' });
 * console.log(waits.map((w) => w.message).join('\n'));
 */
export async function explainStack(
  deps: { store: Store; drift?: DriftStore; clock: { now(): number } },
  input: { stackName: string },
): Promise<readonly StackExplanation[]> {
  const stacks = await stackOverview(deps, { stackName: input.stackName });
  if (stacks.length === 0) throw new StackNotFoundError(input.stackName);
  return Promise.all(stacks.map(async (stack) => ({ stack, waits: await waitsOf(deps, stack) })));
}

async function waitsOf(
  deps: { store: Store; clock: { now(): number } },
  stack: StackOverview,
): Promise<StackWait[]> {
  const waits: StackWait[] = [];
  // A suspended stack says so first: nothing of it executes until it is resumed.
  if (stack.suspended) {
    const { by, at, reason } = stack.suspended;
    waits.push({
      kind: 'suspended',
      by,
      since: at,
      ...(reason ? { reason } : {}),
      message: `${stack.stackName} is suspended by ${by} since ${at}${reason ? ` (${reason})` : ''}: its deploys and drift reverts wait until converge resume ${stack.stackName}.`,
    });
  }
  for (const deployment of stack.pending) waits.push(await pendingWait(deps, stack, deployment));
  if (stack.suspended && waits.length > 1) return waits;
  if (waits.length > 0) return waits;

  // Nothing in flight: say where the stack stands, and why the latest attempt stopped if it failed.
  const latest = stack.latest;
  if (latest && isStopped(latest.status)) {
    waits.push({
      kind: 'failed',
      deploymentId: latest.id,
      status: latest.status,
      message: `Deployment ${latest.id} of ${short(latest.revision)} ended ${latest.status}${latest.reason ? ` (${latest.reason.code}): ${latest.reason.message}` : ''}. Push a fix, or \`converge retry ${latest.id}\`.`,
    });
  }
  waits.push(
    stack.applied
      ? {
          kind: 'converged',
          revision: stack.applied.revision,
          at: stack.applied.at,
          message: `Converged on ${short(stack.applied.revision)} at ${stack.applied.at} (deployment ${stack.applied.deploymentId}); nothing is pending.`,
        }
      : {
          kind: 'never-deployed',
          message: 'No revision of this stack has been applied yet; nothing is pending.',
        },
  );
  return waits;
}

async function pendingWait(
  { store, clock }: { store: Store; clock: { now(): number } },
  stack: StackOverview,
  deployment: Deployment,
): Promise<StackWait> {
  const id = deployment.id;
  switch (deployment.status) {
    case DeploymentStatus.AWAITING_APPROVAL: {
      const votes = await store.listApprovals(id);
      const approved = [
        ...new Set(
          votes
            .filter((v) => v.decision === 'approve' && v.changeSetId === deployment.changeSet?.id)
            .map((v) => v.approver),
        ),
      ];
      const required = deployment.approval?.required ?? 1;
      const approvers = deployment.approval?.approvers ?? [];
      return {
        kind: 'approval',
        deploymentId: id,
        approved,
        required,
        approvers,
        ...(deployment.expiresAt ? { expiresAt: deployment.expiresAt } : {}),
        message: `Deployment ${id} of ${short(deployment.revision)} awaits approval: ${approved.length} of ${required}${approved.length > 0 ? ` (${approved.join(', ')})` : ''}, from ${approvers.length > 0 ? approvers.join(', ') : 'the control-plane approvers'}${deployment.expiresAt ? `, until ${deployment.expiresAt}` : ''}.`,
      };
    }
    case DeploymentStatus.APPROVED: {
      const held = stack.held?.find((h) => h.deploymentId === id);
      if (held) {
        return {
          kind: 'held',
          deploymentId: id,
          hold: held.kind,
          ...(held.mayRunAt ? { mayRunAt: held.mayRunAt } : {}),
          message: `Deployment ${id} of ${short(deployment.revision)} is approved and waits: ${held.message}`,
        };
      }
      const lock = stack.lock;
      if (lock && lock.owner !== id && lock.expiresAt > clock.now()) {
        return {
          kind: 'lock',
          deploymentId: id,
          owner: lock.owner,
          expiresAt: lock.expiresAt,
          message: `Deployment ${id} of ${short(deployment.revision)} is approved and waits for the stack lock, held by ${lock.owner} until ${new Date(lock.expiresAt).toISOString()}.`,
        };
      }
      return {
        kind: 'queued',
        deploymentId: id,
        since: deployment.updatedAt,
        message: `Deployment ${id} of ${short(deployment.revision)} is approved and queued for execution since ${deployment.updatedAt}.`,
      };
    }
    case DeploymentStatus.AWAITING_DEPENDENCIES: {
      const dependencies = await Promise.all(
        (deployment.waitingFor ?? []).map((name) => dependencyWait({ store, clock }, name, deployment)),
      );
      const listed = dependencies
        .map((d) =>
          d.deploymentId
            ? `${d.stackName} (deployment ${d.deploymentId}, ${d.status})`
            : `${d.stackName} (not planned yet)`,
        )
        .join(', ');
      return {
        kind: 'dependencies',
        deploymentId: id,
        dependencies,
        message: `Deployment ${id} of ${short(deployment.revision)} waits for its dependencies to deploy ${short(deployment.revision)} first: ${listed}. \`converge why <stack>\` on each says what it waits on.`,
      };
    }
    case DeploymentStatus.EXECUTING:
      return {
        kind: 'executing',
        deploymentId: id,
        since: deployment.updatedAt,
        message: `Deployment ${id} of ${short(deployment.revision)} is executing since ${deployment.updatedAt}; CloudFormation's events close it.`,
      };
    default:
      return {
        kind: 'planning',
        deploymentId: id,
        since: deployment.createdAt,
        message: `Deployment ${id} of ${short(deployment.revision)} is ${deployment.kind === 'preview' ? 'a pull request preview' : 'being planned'} since ${deployment.createdAt}.`,
      };
  }
}

/** The dependency's deploy at the same revision and repository, if Converge has one. */
async function dependencyWait(
  deps: { store: Store; clock: { now(): number } },
  stackName: string,
  of: Deployment,
): Promise<DependencyWait> {
  for (const stack of await stackOverview(deps, { stackName })) {
    const found = (await deps.store.listDeployments(stack.stackKey, { limit: 25 })).find(
      (d) => d.kind === 'deploy' && d.revision === of.revision && d.repository === of.repository,
    );
    if (found) return { stackName, deploymentId: found.id, status: found.status };
  }
  return { stackName };
}

function isStopped(status: DeploymentStatus): boolean {
  return (
    status === DeploymentStatus.FAILED ||
    status === DeploymentStatus.PLAN_FAILED ||
    status === DeploymentStatus.REJECTED ||
    status === DeploymentStatus.EXPIRED
  );
}

function short(revision: string): string {
  return revision.slice(0, 12);
}
