/**
 * The statuses a {@link Deployment} moves through (ARCHITECTURE.md, "The deployment state machine").
 * One vocabulary everywhere: code, store, logs, metrics, Slack and the README use these words.
 */
export const DeploymentStatus = {
  PLANNING: 'PLANNING',
  /** Planned after the stack's dependencies (`dependsOn`, `fromStack`) finish at the same revision. */
  AWAITING_DEPENDENCIES: 'AWAITING_DEPENDENCIES',
  NO_CHANGES: 'NO_CHANGES',
  PLAN_FAILED: 'PLAN_FAILED',
  AWAITING_APPROVAL: 'AWAITING_APPROVAL',
  APPROVED: 'APPROVED',
  EXECUTING: 'EXECUTING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  SUPERSEDED: 'SUPERSEDED',
} as const;
export type DeploymentStatus = (typeof DeploymentStatus)[keyof typeof DeploymentStatus];

const TERMINAL: ReadonlySet<DeploymentStatus> = new Set([
  DeploymentStatus.NO_CHANGES,
  DeploymentStatus.PLAN_FAILED,
  DeploymentStatus.SUCCEEDED,
  DeploymentStatus.FAILED,
  DeploymentStatus.REJECTED,
  DeploymentStatus.EXPIRED,
  DeploymentStatus.SUPERSEDED,
]);

const SUPERSEDABLE: ReadonlySet<DeploymentStatus> = new Set([
  DeploymentStatus.PLANNING,
  DeploymentStatus.AWAITING_DEPENDENCIES,
  DeploymentStatus.AWAITING_APPROVAL,
  DeploymentStatus.APPROVED,
]);

/** A terminal deployment never changes again. */
export function isTerminal(status: DeploymentStatus): boolean {
  return TERMINAL.has(status);
}

/** Not yet executing, so a newer revision of the same stack may still supersede it. */
export function isSupersedable(status: DeploymentStatus): boolean {
  return SUPERSEDABLE.has(status);
}

/** The stack converged on the revision (with or without changes). */
export function isSuccessful(status: DeploymentStatus): boolean {
  return status === DeploymentStatus.SUCCEEDED || status === DeploymentStatus.NO_CHANGES;
}

export function isDeploymentStatus(value: unknown): value is DeploymentStatus {
  return typeof value === 'string' && Object.hasOwn(DeploymentStatus, value);
}
