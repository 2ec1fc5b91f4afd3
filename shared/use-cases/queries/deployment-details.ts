import type { Approval } from '../../domain/approval/approval.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import type { ExecutionHold } from '../../domain/window/execution-hold.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AuditRecord, Store } from '../../ports/store.ts';
import { DeploymentNotFoundError } from '../../ports/store.ts';
import { executionHoldOf } from '../execution/execution-hold-of.ts';

/** Everything recorded about one deployment: its state, its votes and its audit trail. */
export interface DeploymentDetails {
  readonly deployment: Deployment;
  readonly approvals: readonly Approval[];
  /** Oldest first: who did what, when and why. */
  readonly audit: readonly AuditRecord[];
  /** What holds it, when it is APPROVED and waits (suspended, or outside its deploy windows). */
  readonly hold?: ExecutionHold;
}

/**
 * One deployment with its votes and audit trail, for `converge show`.
 *
 * @throws DeploymentNotFoundError when no deployment has that id.
 * @example
 * const { deployment, approvals, audit } = await deploymentDetails(deps, '01M8BX26TAR17JABXTBYZ2GPE4');
 */
export async function deploymentDetails(
  { store, clock }: { store: Store; clock?: Pick<Clock, 'now'> },
  id: string,
): Promise<DeploymentDetails> {
  const deployment = await store.getDeployment(id);
  if (!deployment) throw new DeploymentNotFoundError(id);
  const [approvals, audit] = await Promise.all([store.listApprovals(id), store.listAudit(subjectOf(id))]);
  const hold =
    clock && deployment.status === DeploymentStatus.APPROVED
      ? await executionHoldOf({ store }, deployment, clock.now())
      : undefined;
  return { deployment, approvals, audit, ...(hold?.held ? { hold } : {}) };
}
