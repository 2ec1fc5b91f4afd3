import type { ApprovalRequirement } from '../../domain/approval/approval.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import type { Deployment, StackRef } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { iso } from '../../domain/time.ts';
import type { WindowLayer } from '../../domain/window/deploy-window.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Source } from '../../ports/source.ts';
import type { Store } from '../../ports/store.ts';
import { StoreConflictError } from '../../ports/store-errors.ts';

/** What the deployment record says about the plan that makes it. */
export interface PlannedDeploymentInput {
  /** The deployment id, the same on every retry of the same request. */
  readonly id: string;
  readonly mode: Deployment['kind'];
  readonly repository: string;
  readonly revision: string;
  readonly stackKey: string;
  readonly pullRequest?: number;
  /** A preview of a pull request from a fork: planned only as the policy allows, with its preview role. */
  readonly fork?: boolean;
  readonly author?: string;
  readonly authors?: readonly string[];
  /** Who plans, for the audit trail: `system:plan`, `system:drift`. */
  readonly actor: string;
  /** What the planning audit record carries beside revision and kind (delivery, detection). */
  readonly audit?: Readonly<Record<string, unknown>>;
}

/**
 * Records a plan's deployment (PLANNING) with the rule that gates it and where the rule came from,
 * in one write with its audit record. Another invocation of the same request that created it
 * first wins: its deployment is returned.
 */
export async function createPlannedDeployment(
  { store, clock, source }: { store: Store; clock: Clock; source: Source },
  request: PlannedDeploymentInput,
  stack: StackRef,
  trusted: {
    approval: ApprovalRequirement;
    from: string;
    flags: readonly string[];
    windows?: readonly WindowLayer[];
    terminationProtection?: boolean;
  },
): Promise<Deployment> {
  const at = iso(clock);
  const commit = await source.commit(request.repository, request.revision).catch(() => undefined);
  const deployment: Deployment = {
    id: request.id,
    kind: request.mode,
    stack,
    stackKey: request.stackKey,
    repository: request.repository,
    revision: request.revision,
    author: request.author ?? commit?.author,
    ...(request.authors ? { authors: request.authors } : {}),
    committedAt: commit?.committedAt,
    pullRequest: request.pullRequest,
    status: DeploymentStatus.PLANNING,
    approval: trusted.approval,
    ...(trusted.windows?.length ? { windows: trusted.windows } : {}),
    ...(trusted.terminationProtection !== undefined
      ? { terminationProtection: trusted.terminationProtection }
      : {}),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await store.createDeployment(deployment, {
      subject: `deployment#${request.id}`,
      action: AuditAction.PLANNING,
      actor: request.actor,
      at,
      data: {
        revision: request.revision,
        kind: request.mode,
        approvalFrom: trusted.from,
        ...(trusted.flags.length > 0 ? { flags: trusted.flags } : {}),
        ...(request.fork ? { fork: true } : {}),
        ...request.audit,
      },
    });
    return deployment;
  } catch (error) {
    // Another invocation of the same request created it first: continue with theirs.
    if (!(error instanceof StoreConflictError)) throw error;
    return (await store.getDeployment(request.id)) ?? deployment;
  }
}
