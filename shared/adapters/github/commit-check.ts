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
  AWAITING_DEPENDENCIES: { status: 'queued', title: 'Waiting for its dependencies to deploy' },
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
 * The check run for a deployment's status. A preview is complete once planned: its change set is
 * never executed, and it stays PLANNING (until a newer push or the pull request closing ends it),
 * so a preview whose change set has its summary is `completed`. With changes it is `neutral`:
 * GitHub documents neutral as a finished, informational outcome, and a required check that ends
 * neutral does not block the merge, while success would claim the change was verified good; a
 * preview that failed to plan is `failure`, one with nothing to change `success`.
 */
export function checkRunState(
  deployment: Pick<Deployment, 'kind' | 'status'> & Partial<Pick<Deployment, 'changeSet'>>,
): CheckRunState {
  if (deployment.kind === DeploymentKind.PREVIEW && isPlannedPreview(deployment)) {
    const summary = deployment.changeSet?.summary;
    const title = summary
      ? `Preview: ${summary.add} to add, ${summary.modify} to modify, ${summary.remove} to remove, ${summary.replace} replaced (risk: ${summary.risk})`
      : 'Preview: the change set is ready';
    return { status: 'completed', conclusion: 'neutral', title };
  }
  return CHECK[deployment.status];
}

function isPlannedPreview(deployment: Pick<Deployment, 'status'> & Partial<Pick<Deployment, 'changeSet'>>) {
  if (deployment.status === DeploymentStatus.AWAITING_APPROVAL) return true;
  return deployment.status === DeploymentStatus.PLANNING && deployment.changeSet?.summary !== undefined;
}

/** The commit status equivalent of {@link checkRunState}. */
export function commitStatusState(
  deployment: Pick<Deployment, 'kind' | 'status'> & Partial<Pick<Deployment, 'changeSet'>>,
): CommitStatusState {
  const check = checkRunState(deployment);
  const state =
    check.status !== 'completed'
      ? 'pending'
      : check.conclusion === 'success' || check.conclusion === 'skipped' || check.conclusion === 'neutral'
        ? 'success'
        : 'failure';
  return { state, description: check.title.slice(0, 140) };
}
