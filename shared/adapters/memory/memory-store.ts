import { randomBytes } from 'node:crypto';
import type { Approval } from '../../domain/approval/approval.ts';
import type { Deployment, NotificationRefs } from '../../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { sortableIds } from '../../domain/ids.ts';
import type { Suspension } from '../../domain/window/execution-hold.ts';
import { checkVoteInput, votedDeployment } from '../../ports/check-vote.ts';
import type {
  AuditInput,
  AuditRecord,
  DeploymentPatch,
  ListOptions,
  PushKey,
  RecordApprovalOptions,
  StackRelease,
  StackState,
  Store,
} from '../../ports/store.ts';
import {
  DeploymentNotFoundError,
  duplicateVote,
  StoreConflict,
  StoreConflictError,
  statusChanged,
} from '../../ports/store-errors.ts';
import {
  applyPatch,
  checkAudit,
  checkDeployment,
  checkNotificationsInput,
  checkSuspensionInput,
  checkTransitionInput,
  deploymentOrder,
  pushKeyText,
  requireDuration,
  requireEpochMs,
  requireInstant,
  requireLimit,
  requireSortableId,
  requireStatus,
  requireText,
} from '../../ports/store-input.ts';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Makes audit record ids; a monotonic sortable id generator by default. */
  readonly newId?: (timeMs: number) => string;
}

interface StoredAudit {
  readonly order: string;
  readonly record: AuditRecord;
}

/**
 * The {@link Store} in memory, with the same conditions, conflicts and ordering as the
 * DynamoDB store (both pass test/support/store-contract.ts). For unit tests of use cases.
 * Every method checks and writes without yielding in between, so concurrent callers race
 * exactly as they would on conditional writes.
 *
 * @example
 * const store = new MemoryStore();
 * await store.createDeployment(deployment, { subject: `deployment#${deployment.id}`, action: 'created', actor: 'system:plan', at });
 */
export class MemoryStore implements Store {
  readonly #deployments = new Map<string, Deployment>();
  readonly #approvals = new Map<string, Approval[]>();
  readonly #stacks = new Map<string, StackState>();
  readonly #deliveries = new Map<string, number>();
  /** Recorded pushes (canonical push key) → when each expires (epoch ms). */
  readonly #pushes = new Map<string, number>();
  readonly #audit = new Map<string, StoredAudit[]>();
  readonly #newId: (timeMs: number) => string;

  constructor(options: MemoryStoreOptions = {}) {
    this.#newId = options.newId ?? sortableIds((size) => randomBytes(size));
  }

  async createDeployment(deployment: Deployment, audit: AuditInput): Promise<void> {
    checkDeployment(deployment);
    const auditAt = checkAudit(audit);
    if (this.#deployments.has(deployment.id)) {
      throw new StoreConflictError({
        conflict: StoreConflict.ALREADY_EXISTS,
        subject: `deployment#${deployment.id}`,
        message: `Deployment ${deployment.id} already exists; make a new id for a new deployment.`,
      });
    }
    this.#deployments.set(deployment.id, copy(deployment));
    this.#writeAudit(audit, auditAt);
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    requireText('id', id);
    const deployment = this.#deployments.get(id);
    return deployment && copy(deployment);
  }

  async listDeployments(stackKey: string, options?: ListOptions): Promise<readonly Deployment[]> {
    requireText('stackKey', stackKey);
    return this.#newestFirst((deployment) => deployment.stackKey === stackKey, requireLimit(options));
  }

  async listDeploymentsByStatus(
    status: DeploymentStatus,
    options?: ListOptions,
  ): Promise<readonly Deployment[]> {
    requireStatus('status', status);
    return this.#newestFirst((deployment) => deployment.status === status, requireLimit(options));
  }

  async transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment> {
    const auditAt = checkTransitionInput(id, from, next, audit);
    const current = this.#deployments.get(id);
    if (!current) throw new DeploymentNotFoundError(id);
    if (current.status !== from) throw statusChanged(id, from, current.status);
    const updated = applyPatch(current, next);
    this.#deployments.set(id, copy(updated));
    this.#writeAudit(audit, auditAt);
    return copy(updated);
  }

  async recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
    options?: RecordApprovalOptions,
  ): Promise<void> {
    const { expectedVersion, auditAt } = checkVoteInput(approval, transition, audit, options);
    const { current, voted } = votedDeployment(
      this.#deployments.get(approval.deploymentId),
      approval,
      transition,
      expectedVersion,
    );
    const votes = this.#approvals.get(approval.deploymentId) ?? [];
    if (votes.some((vote) => vote.approver === approval.approver)) throw duplicateVote(approval);

    this.#approvals.set(approval.deploymentId, [...votes, copy(approval)]);
    this.#deployments.set(current.id, copy(voted));
    this.#writeAudit(audit, auditAt);
  }

  async listApprovals(deploymentId: string): Promise<readonly Approval[]> {
    requireText('deploymentId', deploymentId);
    const votes = (this.#approvals.get(deploymentId) ?? []).map(copy);
    return votes.sort(byCastOrder);
  }

  async saveNotifications(
    id: string,
    notifications: NotificationRefs,
    audit: AuditInput,
  ): Promise<Deployment> {
    const auditAt = checkNotificationsInput(id, notifications, audit);
    const current = this.#deployments.get(id);
    if (!current) throw new DeploymentNotFoundError(id);
    const saved = { ...current, notifications: copy(notifications), version: current.version + 1 };
    this.#deployments.set(id, copy(saved));
    this.#writeAudit(audit, auditAt);
    return copy(saved);
  }

  async getStackState(stackKey: string): Promise<StackState | undefined> {
    requireText('stackKey', stackKey);
    const state = this.#stacks.get(stackKey);
    return state && copy(state);
  }

  async listStackStates(): Promise<readonly StackState[]> {
    return [...this.#stacks.values()].sort((a, b) => compare(a.stackKey, b.stackKey)).map(copy);
  }

  async recordAttempt(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
    replacing?: { readonly deploymentId: string | undefined },
  ): Promise<boolean> {
    const last = this.#stacks.get(stackKey)?.lastAttemptedDeploymentId;
    const mayWrite = (current: string | undefined) =>
      replacing
        ? current === replacing.deploymentId || current === deploymentId
        : current === undefined || current <= deploymentId;
    return this.#recordRevision('Attempted', stackKey, revision, deploymentId, at, mayWrite(last));
  }

  async setSuspension(
    stackKey: string,
    suspension: Suspension | undefined,
    audit: AuditInput,
  ): Promise<StackState> {
    const auditAt = checkSuspensionInput(stackKey, suspension, audit);
    const { suspended: _was, ...state } = this.#stacks.get(stackKey) ?? { stackKey };
    const next: StackState = suspension ? { ...state, suspended: copy(suspension) } : state;
    this.#stacks.set(stackKey, next);
    this.#writeAudit(audit, auditAt);
    return copy(next);
  }

  async claimStack(stackKey: string, repository: string, at: string): Promise<string> {
    requireText('stackKey', stackKey);
    requireText('repository', repository);
    requireInstant('at', at);
    const state = this.#stacks.get(stackKey) ?? { stackKey };
    if (state.owner !== undefined) return state.owner;
    this.#stacks.set(stackKey, { ...state, owner: repository, ownedAt: at });
    return repository;
  }

  async releaseStack(stackKey: string, release: StackRelease): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('revision', release.revision);
    requireInstant('at', release.at);
    const state = this.#stacks.get(stackKey) ?? { stackKey };
    if (state.released?.outcome === release.outcome) return false;
    this.#stacks.set(stackKey, { ...state, released: { ...release } });
    return true;
  }

  async recordApplied(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
  ): Promise<boolean> {
    const state = this.#stacks.get(stackKey);
    const last = state?.lastAppliedDeploymentId;
    const mayWrite =
      last === undefined || last <= deploymentId || state?.lastAttemptedDeploymentId === deploymentId;
    const written = this.#recordRevision('Applied', stackKey, revision, deploymentId, at, mayWrite);
    // An applied deployment means the stack is managed again.
    if (written) {
      const { released: _released, ...managed } = this.#stacks.get(stackKey)!;
      this.#stacks.set(stackKey, managed);
    }
    return written;
  }

  /** Records the attempted or applied revision when `mayWrite` (the caller's condition on what is stored). */
  #recordRevision(
    which: 'Attempted' | 'Applied',
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
    mayWrite: boolean,
  ): boolean {
    requireText('stackKey', stackKey);
    requireText('revision', revision);
    requireSortableId('deploymentId', deploymentId);
    requireInstant('at', at);
    const state = this.#stacks.get(stackKey) ?? { stackKey };
    if (!mayWrite) return false;
    this.#stacks.set(stackKey, {
      ...state,
      [`last${which}Revision`]: revision,
      [`last${which}DeploymentId`]: deploymentId,
      [`last${which}At`]: at,
    });
    return true;
  }

  async acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    requireEpochMs('now', now);
    requireDuration('leaseMs', leaseMs);
    const state = this.#stacks.get(stackKey) ?? { stackKey };
    const lock = state.lock;
    if (lock && lock.expiresAt > now && lock.owner !== owner) return false;
    this.#stacks.set(stackKey, { ...state, lock: { owner, expiresAt: now + leaseMs } });
    return true;
  }

  async releaseLock(stackKey: string, owner: string): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    const state = this.#stacks.get(stackKey);
    if (!state?.lock || state.lock.owner !== owner) return false;
    const { lock: _released, ...rest } = state;
    this.#stacks.set(stackKey, rest);
    return true;
  }

  async recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean> {
    requireText('deliveryId', deliveryId);
    return this.#recordOnce(this.#deliveries, deliveryId, now, ttlMs);
  }

  async releaseDelivery(deliveryId: string): Promise<void> {
    requireText('deliveryId', deliveryId);
    this.#deliveries.delete(deliveryId);
  }

  async recordPush(push: PushKey, now: number, ttlMs: number): Promise<boolean> {
    return this.#recordOnce(this.#pushes, pushKeyText(push), now, ttlMs);
  }

  async releasePush(push: PushKey): Promise<void> {
    this.#pushes.delete(pushKeyText(push));
  }

  /** Holds `key` in `held` until `now + ttlMs`; false while it is held (an expired one counts as absent). */
  #recordOnce(held: Map<string, number>, key: string, now: number, ttlMs: number): boolean {
    requireEpochMs('now', now);
    requireDuration('ttlMs', ttlMs);
    const expiresAt = held.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    held.set(key, now + ttlMs);
    return true;
  }

  async appendAudit(audit: AuditInput): Promise<void> {
    this.#writeAudit(audit, checkAudit(audit));
  }

  async listAudit(subject: string, options?: ListOptions): Promise<readonly AuditRecord[]> {
    requireText('subject', subject);
    const limit = requireLimit(options);
    const trail = [...(this.#audit.get(subject) ?? [])].sort((a, b) => compare(a.order, b.order));
    return trail.slice(0, limit).map((entry) => copy(entry.record));
  }

  #writeAudit(audit: AuditInput, canonicalAt: string): void {
    const id = this.#newId(Date.parse(canonicalAt));
    const record: AuditRecord = { ...copy(audit), id };
    const trail = this.#audit.get(audit.subject) ?? [];
    this.#audit.set(audit.subject, [...trail, { order: `${canonicalAt}#${id}`, record }]);
  }

  #newestFirst(matches: (deployment: Deployment) => boolean, limit: number | undefined): Deployment[] {
    const found = [...this.#deployments.values()].filter(matches);
    found.sort((a, b) => compare(deploymentOrder(b), deploymentOrder(a)));
    return found.slice(0, limit).map(copy);
  }
}

/** Votes in the order cast: by instant, then approver (the same order as the DynamoDB store). */
function byCastOrder(a: Approval, b: Approval): number {
  return compare(Date.parse(a.at), Date.parse(b.at)) || compare(a.approver, b.approver);
}

function compare<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
