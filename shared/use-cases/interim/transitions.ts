import type { Deployment } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus as S } from '../../domain/deployment/deployment-status.ts';
import type { DeploymentPatch } from '../../ports/store.ts';

const ALLOWED: Readonly<Record<S, readonly S[]>> = {
  PLANNING: [S.PLANNING, S.NO_CHANGES, S.PLAN_FAILED, S.AWAITING_APPROVAL, S.APPROVED, S.SUPERSEDED],
  AWAITING_APPROVAL: [S.APPROVED, S.REJECTED, S.EXPIRED, S.SUPERSEDED],
  APPROVED: [S.EXECUTING, S.SUPERSEDED, S.FAILED],
  EXECUTING: [S.SUCCEEDED, S.FAILED],
  NO_CHANGES: [],
  PLAN_FAILED: [],
  SUCCEEDED: [],
  FAILED: [],
  REJECTED: [],
  EXPIRED: [],
  SUPERSEDED: [],
};

/** The transition is not in the table. */
export class TransitionNotAllowedError extends Error {
  constructor(from: S, to: S) {
    super(`A deployment cannot move from ${from} to ${to}.`);
    this.name = 'TransitionNotAllowedError';
  }
}

/** The patch that moves `deployment` to `status`, checked against the table. */
export function nextStatus(
  deployment: Deployment,
  status: S,
  fields: Omit<DeploymentPatch, 'status' | 'updatedAt'>,
  now: number,
): DeploymentPatch {
  if (!ALLOWED[deployment.status].includes(status))
    throw new TransitionNotAllowedError(deployment.status, status);
  return { ...fields, status, updatedAt: new Date(now).toISOString() };
}
