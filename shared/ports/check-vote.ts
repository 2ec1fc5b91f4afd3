import type { Approval } from '../domain/approval/approval.ts';
import type { Deployment } from '../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { AuditInput, DeploymentPatch, RecordApprovalOptions } from './store.ts';
import { changeSetChanged, DeploymentNotFoundError, statusChanged, versionChanged } from './store-errors.ts';
import {
  applyPatch,
  checkApproval,
  checkAudit,
  checkPatch,
  checkRecordApprovalOptions,
  requireStatus,
  votedChangeSetId,
} from './store-input.ts';

/** A vote's status change, when the vote decides the deployment. */
export type VoteTransition = { readonly from: DeploymentStatus; readonly next: DeploymentPatch } | undefined;

/**
 * Checks `Store.recordApproval`'s input, as every adapter must before it reads anything.
 * Returns the expected version (when given) and the audit record's canonical instant.
 */
export function checkVoteInput(
  approval: Approval,
  transition: VoteTransition,
  audit: AuditInput,
  options: RecordApprovalOptions | undefined,
): { readonly expectedVersion: number | undefined; readonly auditAt: string } {
  checkApproval(approval);
  if (transition) {
    requireStatus('transition.from', transition.from);
    checkPatch(transition.next);
  }
  const expectedVersion = checkRecordApprovalOptions(options);
  return { expectedVersion, auditAt: checkAudit(audit) };
}

/**
 * The deployment as it is after the vote, once the vote is checked against the deployment read:
 * it exists, the vote names its change set, it is still in the status the transition starts
 * from, and (when given) at the version the voter read. Throws the store's conflict otherwise.
 */
export function votedDeployment(
  current: Deployment | undefined,
  approval: Approval,
  transition: VoteTransition,
  expectedVersion: number | undefined,
): { readonly current: Deployment; readonly voted: Deployment } {
  if (!current) throw new DeploymentNotFoundError(approval.deploymentId);
  const changeSetId = votedChangeSetId(current, transition);
  if (changeSetId !== approval.changeSetId) throw changeSetChanged(approval, changeSetId);
  if (transition && current.status !== transition.from) {
    throw statusChanged(current.id, transition.from, current.status);
  }
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw versionChanged(current.id, expectedVersion, current.version);
  }
  const voted = transition
    ? applyPatch(current, transition.next)
    : { ...current, version: current.version + 1 };
  return { current, voted };
}
