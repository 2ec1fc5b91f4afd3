import type { Approval } from '../domain/approval/approval.ts';
import type { AuditAction } from '../domain/deployment/audit-action.ts';
import type { Deployment, NotificationRefs } from '../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Suspension } from '../domain/window/execution-hold.ts';

export {
  DeploymentNotFoundError,
  StoreConflict,
  StoreConflictError,
  StoreInputError,
} from './store-errors.ts';

/**
 * Durable state (DynamoDB in AWS and locally; an in-memory adapter for unit tests). The
 * table design is in docs/dynamodb-table.md.
 *
 * Rules every adapter keeps (test/support/store-contract.ts proves them):
 * - Every status change is conditional on the current status; a lost race throws
 *   `StoreConflictError` and writes nothing.
 * - Every write of a deployment (transition, vote, notification refs) moves its `version` up
 *   by one, so a write conditional on the version read never lands on a stale read.
 * - The audit record passed with a state change is written in the same transaction.
 * - Bad input (empty ids, unknown statuses, malformed instants) throws `StoreInputError`
 *   and writes nothing.
 * - Instants are ISO 8601 strings (`Date.prototype.toISOString()`); lists order on them.
 * - Lists read every page; `limit` caps how many items come back.
 */
export interface Store {
  /** Creates a deployment; fails with StoreConflictError (ALREADY_EXISTS) when the id exists. */
  createDeployment(deployment: Deployment, audit: AuditInput): Promise<void>;
  /** The deployment as last written (a strongly consistent read), or undefined. */
  getDeployment(id: string): Promise<Deployment | undefined>;
  /** Deployments of one stack, newest first (by `createdAt`, then id). */
  listDeployments(stackKey: string, options?: ListOptions): Promise<readonly Deployment[]>;
  /** Deployments in a status across all stacks, newest first (e.g. EXECUTING, for reconcile). */
  listDeploymentsByStatus(status: DeploymentStatus, options?: ListOptions): Promise<readonly Deployment[]>;

  /**
   * Moves `id` from `from` to `next.status` and applies `next`'s other fields, only if its
   * status is still `from`; increments `version`. Returns the updated deployment.
   * Throws StoreConflictError (STATUS_CHANGED) when the status is not `from`, and
   * DeploymentNotFoundError when there is no such deployment.
   */
  transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment>;

  /**
   * Records one vote (one per approver per deployment) and, when `transition` is given,
   * changes the deployment's status in the same transaction: either both are written or
   * neither. Every vote moves the deployment's `version` up by one in that transaction, so votes
   * on one deployment are serialised: with `options.expectedVersion` (the version of the
   * deployment the vote was judged against, read before its votes were listed) the vote is
   * written only if no other vote, transition or notification save came in between, so a vote
   * that completes a quorum always carries the transition.
   * The vote counts only for the deployment's current change set, or for the change set
   * `transition` sets (the policy approving a change set as planning records it).
   * Throws StoreConflictError, writing nothing: DUPLICATE_VOTE, CHANGE_SET_CHANGED,
   * STATUS_CHANGED, VERSION_CHANGED (only with `expectedVersion`: read again and judge again);
   * CONTENDED when concurrent transactions kept it out; DeploymentNotFoundError.
   */
  recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
    options?: RecordApprovalOptions,
  ): Promise<void>;
  /** The votes on a deployment, in the order they were cast. */
  listApprovals(deploymentId: string): Promise<readonly Approval[]>;

  /**
   * Replaces the deployment's notification references (where each channel posted about it, so
   * the next notification edits that message) with their audit record, and returns the
   * deployment as stored afterwards. Not a state change: no condition on the status (refs are
   * worth keeping whatever the deployment went on to), and the status stays as it is. It does
   * move `version` up by one, because status changes and votes write the whole deployment
   * conditionally on the version they read: a save that left the version alone would be
   * overwritten, and lost, by a transition based on an earlier read. Concurrent saves: the last
   * one wins (each carries the refs it was given, earlier ones included).
   * Throws DeploymentNotFoundError when there is no such deployment.
   */
  saveNotifications(id: string, notifications: NotificationRefs, audit: AuditInput): Promise<Deployment>;

  getStackState(stackKey: string): Promise<StackState | undefined>;
  /** Every stack Converge has state for (the drift sweep's stack list), in stack-key order. */
  listStackStates(): Promise<readonly StackState[]>;
  /**
   * Records the newest deployment planned for a stack. `deploymentId` must be a sortable id
   * (`sortableId` in shared/domain/ids.ts) made when the deployment was created.
   *
   * Without `replacing`, deployments are ordered by id: returns false, writing nothing, when a
   * later deployment is already recorded. With `replacing`, the caller has compared the
   * revisions in Git history and the order of ids does not count: it writes only while the
   * stack's last attempted deployment is still `replacing.deploymentId` (`undefined`: none
   * recorded yet), so a concurrent planner that recorded first makes this return false and the
   * caller compares again. Either way a repeat (`deploymentId` already recorded) returns true.
   */
  recordAttempt(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
    replacing?: { readonly deploymentId: string | undefined },
  ): Promise<boolean>;
  /**
   * Makes `repository` the stack's owner unless another repository already owns it: a
   * conditional write, so of two repositories naming a new stack at once exactly one wins, and
   * an owner never changes afterwards. Returns the owner after the call (`repository` when it
   * won or already owned the stack).
   */
  claimStack(stackKey: string, repository: string, at: string): Promise<string>;
  /**
   * Records the deployment that last converged the stack; never moves backwards by id, except
   * that the stack's last attempted deployment (which Git history put after every other) is
   * always recorded. Returns false, writing nothing, when neither holds.
   */
  recordApplied(stackKey: string, revision: string, deploymentId: string, at: string): Promise<boolean>;
  /**
   * Marks the stack released: removed from converge.yaml, so Converge no longer manages it (the
   * drift sweep skips it) until a later deployment of it is applied. A conditional write: returns
   * true only for the call that released it, so the release is announced once.
   */
  releaseStack(stackKey: string, release: StackRelease): Promise<boolean>;
  /**
   * Takes the stack lock for `leaseMs` from `now` if nobody holds it, its lease expired
   * (`expiresAt <= now`), or `owner` already holds it (which extends the lease).
   * Returns whether this owner holds it now.
   */
  acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  /** Releases the lock only if `owner` holds it. Returns whether it released it. */
  releaseLock(stackKey: string, owner: string): Promise<boolean>;
  /**
   * Suspends the stack (`converge suspend`: its executions and drift reverts wait) or, with
   * `undefined`, resumes it, with its audit record in the same transaction. Returns the state after.
   */
  setSuspension(stackKey: string, suspension: Suspension | undefined, audit: AuditInput): Promise<StackState>;

  /**
   * Records a webhook delivery until `now + ttlMs`; `false` if it was seen and has not expired
   * yet. Expiry is checked in the write's condition, never left to TTL deletion.
   */
  recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean>;
  /**
   * Forgets a recorded delivery, so that GitHub's redelivery of it is processed again. For a
   * delivery whose jobs were not all queued (nothing accepted is lost); a delivery never
   * recorded is left as it is.
   */
  releaseDelivery(deliveryId: string): Promise<void>;

  /**
   * Records a push of `ref` from `before` to `after` until `now + ttlMs`; `false` if the same
   * push was recorded and has not expired, whatever delivery carried it (a replayed body under a
   * new delivery id is the same push). Expiry is checked in the write's condition.
   */
  recordPush(push: PushKey, now: number, ttlMs: number): Promise<boolean>;
  /** Forgets a recorded push whose jobs were not all queued, so a redelivery plans it (as releaseDelivery). */
  releasePush(push: PushKey): Promise<void>;

  appendAudit(audit: AuditInput): Promise<void>;
  /** The audit trail of one subject, oldest first (by `at`, then by the order written). */
  listAudit(subject: string, options?: ListOptions): Promise<readonly AuditRecord[]>;
}

/** Options of {@link Store.recordApproval}. */
export interface RecordApprovalOptions {
  /**
   * The `version` of the deployment the vote was judged against: the vote is written only while
   * the deployment is still at it (VERSION_CHANGED otherwise). Without it the store judges the
   * change set and status against its own read (auto-approval, where the status is the guard).
   */
  readonly expectedVersion?: number;
}

/** What identifies one push: the branch moved from one commit to another in one repository. */
export interface PushKey {
  readonly repository: string;
  readonly ref: string;
  readonly before: string;
  readonly after: string;
}

export interface ListOptions {
  /** At most this many items (a positive whole number); all of them when omitted. */
  readonly limit?: number;
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
  readonly lastAttemptedAt?: string;
  readonly lastAppliedRevision?: string;
  readonly lastAppliedDeploymentId?: string;
  readonly lastAppliedAt?: string;
  /** The repository that owns the stack: the first whose deployment of it was planned (`claimStack`). */
  readonly owner?: string;
  /** When the owner claimed it. */
  readonly ownedAt?: string;
  /** Set once the stack left converge.yaml (released, or deleted through approval); cleared by a later apply. */
  readonly released?: StackRelease;
  /** The lock as stored; it is free when `expiresAt <= now`, even while still present. */
  readonly lock?: { readonly owner: string; readonly expiresAt: number };
  /** Set while the stack is suspended (`converge suspend`): who suspended it, when and why. */
  readonly suspended?: Suspension;
}

/** When and at which revision a stack stopped being managed. */
export interface StackRelease {
  /** The revision whose converge.yaml no longer has the stack. */
  readonly revision: string;
  readonly at: string;
  /** `released`: left as it is; `deleted`: its deletion was approved and completed. */
  readonly outcome: 'released' | 'deleted';
}

/** Who did what to which subject, and why. Every state change writes one. */
export interface AuditInput {
  /** What the record is about: `deployment#<id>`, `stack#<key>`, `delivery#<id>`. */
  readonly subject: string;
  readonly action: AuditAction;
  /** `github:alice`, `slack:U0123`, `system:plan`, ... */
  readonly actor: string;
  readonly reason?: string;
  readonly at: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditInput {
  /** A sortable id, unique per record. */
  readonly id: string;
}
