import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';

/** A check run's state, as the checks API takes it. */
export interface CheckRunState {
  readonly status: 'queued' | 'in_progress' | 'completed';
  readonly conclusion?:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required';
  readonly title: string;
}

/** A commit status, for tokens that may not create check runs. */
export interface CommitStatusState {
  readonly state: 'pending' | 'success' | 'failure' | 'error';
  /** At most 140 characters (GitHub's limit). */
  readonly description: string;
}

/** `converge/<stack>`: the check run name and commit status context of one stack. */
export function checkName(deployment: Pick<Deployment, 'stack'>): string {
  return `converge/${deployment.stack.stackName}`;
}

const CHECK: Readonly<Record<DeploymentStatus, CheckRunState>> = {
  PLANNING: { status: 'in_progress', title: 'Planning: creating the change set' },
  AWAITING_APPROVAL: { status: 'in_progress', title: 'Awaiting approval' },
  APPROVED: { status: 'in_progress', title: 'Approved: waiting to execute' },
  EXECUTING: { status: 'in_progress', title: 'Executing the change set' },
  NO_CHANGES: { status: 'completed', conclusion: 'success', title: 'No changes: the stack already matches' },
  SUCCEEDED: { status: 'completed', conclusion: 'success', title: 'Deployed' },
  PLAN_FAILED: { status: 'completed', conclusion: 'failure', title: 'Plan failed' },
  FAILED: { status: 'completed', conclusion: 'failure', title: 'Failed and rolled back' },
  REJECTED: { status: 'completed', conclusion: 'failure', title: 'Rejected' },
  EXPIRED: { status: 'completed', conclusion: 'timed_out', title: 'Expired without approval' },
  SUPERSEDED: { status: 'completed', conclusion: 'skipped', title: 'Superseded by a newer revision' },
};

/**
 * The check run for a deployment's status. A preview is complete once planned: its change set
 * is never executed, so a planned preview succeeds and shows what would change.
 */
export function checkRunState(deployment: Pick<Deployment, 'kind' | 'status'>): CheckRunState {
  if (
    deployment.kind === DeploymentKind.PREVIEW &&
    deployment.status === DeploymentStatus.AWAITING_APPROVAL
  ) {
    return { status: 'completed', conclusion: 'success', title: 'Preview: the change set is ready' };
  }
  return CHECK[deployment.status];
}

/** The commit status equivalent of {@link checkRunState}. */
export function commitStatusState(deployment: Pick<Deployment, 'kind' | 'status'>): CommitStatusState {
  const check = checkRunState(deployment);
  const state =
    check.status !== 'completed'
      ? 'pending'
      : check.conclusion === 'success' || check.conclusion === 'skipped'
        ? 'success'
        : 'failure';
  return { state, description: check.title.slice(0, 140) };
}
