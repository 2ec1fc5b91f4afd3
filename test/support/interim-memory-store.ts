import type { Approval } from '../../shared/domain/approval/approval.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../shared/domain/deployment/deployment-status.ts';
import type {
  AuditInput,
  AuditRecord,
  DeploymentPatch,
  StackState,
  Store,
} from '../../shared/ports/store.ts';

/** A lost race: the deployment was not in the expected status. */
export class InterimStoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/**
 * Stand-in for the MemoryStore another branch is building; deleted when it lands. Same
 * conditional semantics as the port describes.
 */
export class InterimMemoryStore implements Store {
  readonly deployments = new Map<string, Deployment>();
  readonly approvals: Approval[] = [];
  readonly audit: AuditRecord[] = [];
  readonly states = new Map<string, StackState>();
  private readonly deliveries = new Map<string, number>();

  async createDeployment(deployment: Deployment, audit: AuditInput): Promise<void> {
    if (this.deployments.has(deployment.id))
      throw new InterimStoreConflictError(`deployment ${deployment.id} exists`);
    this.deployments.set(deployment.id, deployment);
    await this.appendAudit(audit);
  }
  async getDeployment(id: string): Promise<Deployment | undefined> {
    return this.deployments.get(id);
  }
  async listDeployments(stackKey: string, options?: { limit?: number }): Promise<readonly Deployment[]> {
    return [...this.deployments.values()]
      .filter((d) => d.stackKey === stackKey)
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, options?.limit);
  }
  async listDeploymentsByStatus(
    status: DeploymentStatus,
    options?: { limit?: number },
  ): Promise<readonly Deployment[]> {
    return [...this.deployments.values()].filter((d) => d.status === status).slice(0, options?.limit);
  }
  async transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment> {
    const current = this.deployments.get(id);
    if (current?.status !== from) throw new InterimStoreConflictError(`deployment ${id} is not ${from}`);
    const updated = { ...current, ...next, version: current.version + 1 };
    this.deployments.set(id, updated);
    await this.appendAudit(audit);
    return updated;
  }
  async recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
  ): Promise<void> {
    if (
      this.approvals.some((a) => a.deploymentId === approval.deploymentId && a.approver === approval.approver)
    ) {
      throw new InterimStoreConflictError(`${approval.approver} already voted`);
    }
    const current = this.deployments.get(approval.deploymentId);
    if (transition && current?.status !== transition.from)
      throw new InterimStoreConflictError('status moved');
    this.approvals.push(approval);
    if (transition && current) {
      this.deployments.set(current.id, { ...current, ...transition.next, version: current.version + 1 });
    }
    await this.appendAudit(audit);
  }
  async listApprovals(deploymentId: string): Promise<readonly Approval[]> {
    return this.approvals.filter((a) => a.deploymentId === deploymentId);
  }
  async getStackState(stackKey: string): Promise<StackState | undefined> {
    return this.states.get(stackKey);
  }
  async recordAttempt(stackKey: string, revision: string, deploymentId: string, _at?: string): Promise<void> {
    const state = this.states.get(stackKey) ?? { stackKey };
    if (state.lastAttemptedDeploymentId && state.lastAttemptedDeploymentId > deploymentId) return;
    this.states.set(stackKey, {
      ...state,
      lastAttemptedRevision: revision,
      lastAttemptedDeploymentId: deploymentId,
    });
  }
  async recordApplied(stackKey: string, revision: string, deploymentId: string, at: string): Promise<void> {
    const state = this.states.get(stackKey) ?? { stackKey };
    this.states.set(stackKey, {
      ...state,
      lastAppliedRevision: revision,
      lastAppliedDeploymentId: deploymentId,
      lastAppliedAt: at,
    });
  }
  async acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const state = this.states.get(stackKey) ?? { stackKey };
    if (state.lock && state.lock.owner !== owner && state.lock.expiresAt > now) return false;
    this.states.set(stackKey, { ...state, lock: { owner, expiresAt: now + leaseMs } });
    return true;
  }
  async releaseLock(stackKey: string, owner: string): Promise<void> {
    const state = this.states.get(stackKey);
    if (state?.lock?.owner === owner) this.states.set(stackKey, { ...state, lock: undefined });
  }
  async recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean> {
    const expiresAt = this.deliveries.get(deliveryId);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.deliveries.set(deliveryId, now + ttlMs);
    return true;
  }
  async appendAudit(audit: AuditInput): Promise<void> {
    this.audit.push({ ...audit, id: String(this.audit.length + 1) });
  }
  async listAudit(subject: string): Promise<readonly AuditRecord[]> {
    return this.audit.filter((a) => a.subject === subject).reverse();
  }
}
