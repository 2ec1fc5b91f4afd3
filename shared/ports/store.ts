import type { Approval } from '../domain/approval/approval.ts';
import type { Deployment } from '../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../domain/deployment/deployment-status.ts';

/**
 * Durable state (DynamoDB in AWS and locally; an in-memory adapter for unit tests).
 * Every status change is conditional on the current status; a lost race throws
 * `StoreConflictError` and writes nothing.
 */
export interface Store {
  /** Creates a deployment; fails with StoreConflictError when the id exists. */
  createDeployment(deployment: Deployment, audit: AuditInput): Promise<void>;
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** Deployments of one stack, newest first. */
  listDeployments(stackKey: string, options?: { limit?: number }): Promise<readonly Deployment[]>;
  /** Deployments in a status across all stacks (e.g. EXECUTING, for reconcile). */
  listDeploymentsByStatus(
    status: DeploymentStatus,
    options?: { limit?: number },
  ): Promise<readonly Deployment[]>;

  /**
   * Moves `id` from `from` to `next.status` and applies `next`'s other fields, only if its
   * status is still `from`. Returns the updated deployment.
   */
  transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment>;

  /**
   * Records one vote (one per approver per deployment) and, when `transition` is given,
   * changes the deployment's status in the same transaction.
   */
  recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
  ): Promise<void>;
  listApprovals(deploymentId: string): Promise<readonly Approval[]>;

  getStackState(stackKey: string): Promise<StackState | undefined>;
  /** Records the newest revision planned for a stack; never moves backwards. */
  recordAttempt(stackKey: string, revision: string, deploymentId: string, at: string): Promise<void>;
  recordApplied(stackKey: string, revision: string, deploymentId: string, at: string): Promise<void>;
  /** Takes the stack lock if free or its lease expired. Returns whether this owner holds it now. */
  acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Releases the lock only if `owner` holds it. */
  releaseLock(stackKey: string, owner: string): Promise<void>;

  /** Records a webhook delivery; `false` if it was seen and has not expired yet. */
  recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean>;

  appendAudit(audit: AuditInput): Promise<void>;
  listAudit(subject: string, options?: { limit?: number }): Promise<readonly AuditRecord[]>;
}

export type DeploymentPatch = Partial<
  Omit<Deployment, 'id' | 'kind' | 'stack' | 'stackKey' | 'createdAt' | 'version'>
> & {
  readonly status: DeploymentStatus;
  readonly updatedAt: string;
};

export interface StackState {
  readonly stackKey: string;
  readonly lastAttemptedRevision?: string;
  readonly lastAttemptedDeploymentId?: string;
  readonly lastAppliedRevision?: string;
  readonly lastAppliedDeploymentId?: string;
  readonly lastAppliedAt?: string;
  readonly lock?: { readonly owner: string; readonly expiresAt: number };
}

/** Who did what to which subject, and why. Every state change writes one. */
export interface AuditInput {
  /** What the record is about: `deployment#<id>`, `stack#<key>`, `delivery#<id>`. */
  readonly subject: string;
  readonly action: string;
  /** `github:alice`, `slack:U0123`, `system:plan`, ... */
  readonly actor: string;
  readonly reason?: string;
  readonly at: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditInput {
  readonly id: string;
}
