import type { ApproverIdentity } from '../../domain/approval/approval.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Store } from '../../ports/store.ts';
import { DeploymentNotFoundError } from '../../ports/store-errors.ts';
import { replanJob } from '../execution/replan-job.ts';
import { planJobDeploymentId } from '../planning/plan-stack.ts';
import { type ControlDeps, type ControlRefusal, controlRefusal } from './may-control-deployment.ts';

export interface RetryDeps extends ControlDeps {
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
}

export interface RetryInput {
  readonly deploymentId: string;
  /** Who asks, as an approver identity (`aws:<arn>`, `cli:alice`, `slack:U0123`). */
  readonly requestedBy: ApproverIdentity;
}

export type RetryResult =
  | ControlRefusal
  | {
      readonly outcome: 'queued';
      /** The deployment retried, unchanged. */
      readonly retried: Deployment;
      /** The id the fresh plan's deployment gets (it exists once the plan job runs). */
      readonly deploymentId: string;
      readonly deliveryId: string;
    };

/**
 * The statuses a retry starts again from, each an end that a fresh change set of the same
 * revision may get past: FAILED (the execution failed or rolled back, or CloudFormation refused
 * it), PLAN_FAILED (throttling, a stack repaired since, a capability granted since) and EXPIRED
 * (nobody approved in time). REJECTED is not one: an approver answered "no" about this
 * revision, so deploying it needs a new commit, not the same question asked again.
 */
export const RETRYABLE: ReadonlySet<DeploymentStatus> = new Set([
  DeploymentStatus.FAILED,
  DeploymentStatus.PLAN_FAILED,
  DeploymentStatus.EXPIRED,
]);

/** How long an earlier retry of the same deployment counts as still queued (its plan not yet recorded). */
export const RETRY_PENDING_MS = 15 * 60_000;

/**
 * Plans the revision of a failed, plan-failed or expired deployment again: a plan job with a
 * fresh delivery id (`retry:<id>:<n>`), so a new deployment with a fresh change set that goes
 * through the approval gate like any other. The retry approves nothing. Only an approver of the
 * stack may retry, only a deploy, and only while the deployment is still the stack's newest
 * attempt (a newer revision, or a retry already planned, wins). Refusals write nothing.
 *
 * @example
 * const result = await retryDeployment(deps, { deploymentId, requestedBy: 'cli:alice' });
 * if (result.outcome === 'queued') console.log(`planning again as ${result.deploymentId}`);
 */
export async function retryDeployment(deps: RetryDeps, input: RetryInput): Promise<RetryResult> {
  const { store, queue, clock } = deps;
  const deployment = await store.getDeployment(input.deploymentId);
  if (!deployment) throw new DeploymentNotFoundError(input.deploymentId);

  // Only someone who may approve the stack may ask for it to be planned again.
  const refused = controlRefusal(deps, deployment, input.requestedBy, 'retry');
  if (refused) return refused;

  // Only a deploy that ended in a failure a fresh change set may get past.
  const wrong = statusRefusal(deployment);
  if (wrong) return wrong;

  // Only the stack's newest attempt: anything newer already decides where the stack goes
  // (previews of pull requests change nothing on the stack, so they do not count).
  const state = await store.getStackState(deployment.stackKey);
  const newest = (await store.listDeployments(deployment.stackKey, { limit: 20 })).find(
    (other) => other.kind !== DeploymentKind.PREVIEW,
  );
  if (state?.lastAttemptedDeploymentId !== deployment.id || (newest && newest.id !== deployment.id)) {
    const other = newest && newest.id !== deployment.id ? newest : undefined;
    return refusal(
      'NotNewest',
      `Deployment ${deployment.id} is no longer the newest attempt of ${deployment.stack.stackName}${other ? ` (deployment ${other.id} of ${other.revision.slice(0, 12)} is ${other.status})` : ''}; retry that one, or push a new commit.`,
    );
  }

  // An earlier retry whose plan has not run yet: one fresh plan at a time.
  const retries = (await store.listAudit(subjectOf(deployment.id))).filter(
    (record) => record.action === 'retry-requested',
  );
  const last = retries.at(-1);
  if (last && clock.now() - Date.parse(last.at) < RETRY_PENDING_MS) {
    return refusal(
      'RetryQueued',
      `${last.actor} already asked to retry deployment ${deployment.id} at ${last.at}; its plan is queued. See it with converge why ${deployment.stack.stackName}.`,
    );
  }

  // Queue a fresh plan of the same revision and stack, then record who asked.
  const n = retries.length + 1;
  const deliveryId = `retry:${deployment.id}:${n}`;
  const requestedAt = clock.now();
  const job = replanJob(deployment, { requestedAt, deliveryId });
  await queue.send(job, { group: deployment.stackKey, dedupeId: dedupeId('retry', deployment.id, n) });
  const next = planJobDeploymentId(job);
  await store.appendAudit({
    subject: subjectOf(deployment.id),
    action: 'retry-requested',
    actor: input.requestedBy,
    reason: `planning ${deployment.revision.slice(0, 12)} again as deployment ${next}`,
    at: iso(clock),
    data: { deliveryId, deploymentId: next },
  });
  return { outcome: 'queued', retried: deployment, deploymentId: next, deliveryId };
}

function statusRefusal(deployment: Deployment): ControlRefusal | undefined {
  const { id, status } = deployment;
  if (deployment.kind !== DeploymentKind.DEPLOY) {
    return refusal(
      'NotADeploy',
      `Deployment ${id} is a ${deployment.kind}; only deploys are retried (a preview plans again on the next push to its pull request, a drift revert on the next drift sweep).`,
    );
  }
  if (RETRYABLE.has(status)) return undefined;
  const why: Partial<Record<DeploymentStatus, string>> = {
    SUCCEEDED: 'it succeeded; there is nothing to retry',
    NO_CHANGES: 'the stack already matched its revision; there is nothing to retry',
    SUPERSEDED: 'a newer revision of the stack replaced it; look at that one (converge why)',
    REJECTED: 'an approver rejected it; to deploy this change, push a new commit',
    EXECUTING: 'CloudFormation is running it; wait for it to end (converge why)',
  };
  return refusal(
    'NotRetryable',
    `Deployment ${id} is ${status}: ${why[status] ?? 'it has not ended yet; cancel it (converge cancel) or wait for it'}. Only FAILED, PLAN_FAILED and EXPIRED deployments are retried.`,
  );
}

function refusal(code: string, message: string): ControlRefusal {
  return { outcome: 'refused', code, message };
}
