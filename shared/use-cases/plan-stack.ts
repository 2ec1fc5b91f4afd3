import type { ApprovalRequirement } from '../domain/approval/approval.ts';
import { summarizeChangeSet } from '../domain/change-set/summarize-change-set.ts';
import {
  type Deployment,
  DeploymentKind,
  type Reason,
  type StackRef,
} from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../domain/deployment/reason-code.ts';
import type { Artifacts } from '../ports/artifacts.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Job, Queue } from '../ports/queue.ts';
import type { Source } from '../ports/source.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { changeSetFailureReason } from './change-set-failure-reason.ts';
import { claimRevision } from './claim-revision.ts';
import { clearFailedCreate } from './clear-failed-create.ts';
import { createStackChangeSet } from './create-stack-change-set.ts';
import { decidePlannedDeployment } from './decide-planned-deployment.ts';
import { changeSetName, deploymentId } from './deployment-names.ts';
import { loadConfiguration } from './load-configuration.ts';
import { iso, moveDeployment } from './move-deployment.ts';
import { notify } from './notify.ts';
import { StackBusyError } from './stack-busy-error.ts';
import { trustedApproval } from './trusted-approval.ts';
import { type ChangeSetWait, isEmptyChangeSet, waitForChangeSet } from './wait-for-change-set.ts';

export interface PlanDeps {
  readonly source: Source;
  readonly stacks: Stacks;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly artifacts: Artifacts;
  readonly notifier: Notifier;
  readonly settings: {
    /** The control-plane approval rule, for stacks without a trusted (applied) configuration. */
    readonly defaultApproval: ApprovalRequirement;
    /** CloudFormation service role for stacks whose configuration names none. */
    readonly defaultRoleArn?: string;
    readonly changeSetWait?: ChangeSetWait;
    /** How long to wait for a rolled-back stack to be deleted before it is created again. */
    readonly stackDeleteWait?: ChangeSetWait;
  };
}

export type PlanJob = Extract<Job, { type: 'plan' }>;

/**
 * Plans one revision of one stack: creates its change set, summarizes it, and either
 * auto-approves it, asks for approval, or (previews) reports it on the pull request.
 * Idempotent: a retried job finds its deployment and continues only if it is still PLANNING.
 *
 * @example
 * const deployment = await planStack(deps, { type: 'plan', kind: 'deploy', repository, revision, stackName, stackKey, requestedAt });
 */
export async function planStack(deps: PlanDeps, job: PlanJob): Promise<Deployment> {
  const { store, stacks } = deps;
  const id = deploymentId(
    job.requestedAt,
    [job.kind, job.deliveryId, job.revision, job.stackKey, job.pullRequest].join('|'),
  );

  // A retried job resumes its own deployment; a finished one is left as it is.
  const existing = await store.getDeployment(id);
  if (existing && existing.status !== DeploymentStatus.PLANNING) return existing;

  // Read the configuration at the revision being planned.
  const configuration = await loadConfiguration(deps, job).catch((error: unknown) => error as Error);
  const stackConfig =
    configuration instanceof Error ? undefined : configuration.stacks.find((s) => s.name === job.stackName);
  const roleArn = stackConfig?.roleArn ?? deps.settings.defaultRoleArn;
  const stack: StackRef = stackConfig
    ? { stackName: stackConfig.name, region: stackConfig.region, roleArn }
    : stackRefFromKey(job.stackKey, job.stackName);

  // Take the approval rule from trusted configuration, never from this revision.
  const state = await store.getStackState(job.stackKey);
  const trusted = await trustedApproval(deps, { ...job, state, fallback: deps.settings.defaultApproval });

  // Record the deployment (PLANNING) unless a retry already did.
  const deployment = existing ?? (await createDeployment(deps, job, id, stack, trusted));
  const fail = (reason: Reason) => finish(deps, deployment, { type: 'PLAN_FAILED', reason }, reason);

  // Order by Git history: an ancestor of what the stack has is stale, a rewritten history is flagged.
  const claim = job.kind === DeploymentKind.PREVIEW ? undefined : await claimRevision(deps, job, id);
  if (claim?.kind === 'stale')
    return finish(deps, deployment, { type: 'SUPERSEDED', by: claim.by, reason: claim.reason }, claim.reason);
  const planned = claim?.historyRewritten
    ? { ...deployment, historyRewritten: claim.historyRewritten }
    : deployment;

  // The stack must be configured at this revision (its template and parameters read there).
  if (configuration instanceof Error)
    return fail({ code: configurationCode(configuration), message: configuration.message });
  if (!stackConfig) {
    return fail({
      code: ReasonCode.STACK_NOT_CONFIGURED,
      message: `${job.stackName} is not in converge.yaml at ${job.revision.slice(0, 12)}.`,
    });
  }

  // A stack whose first creation rolled back can only be deleted: a deployment deletes it
  // (it holds no resources) and creates it again; statuses that need a person end here.
  const cleared = await clearFailedCreate(deps, stack, {
    mayDelete: job.kind === DeploymentKind.DEPLOY,
    wait: deps.settings.stackDeleteWait,
  });
  if (cleared.kind === 'blocked') return fail(cleared.reason);
  if (cleared.kind === 'deleted') {
    await store.appendAudit({
      subject: `deployment#${id}`,
      action: 'stack-deleted',
      actor: 'system:plan',
      reason: `${stack.stackName} was ${cleared.status}: its first creation failed and rolled back, so it held no resources and could only be deleted. Deleted it to create it again.`,
      at: iso(deps.clock),
      data: {
        stackId: cleared.stackId,
        status: cleared.status,
        ...(cleared.statusReason ? { statusReason: cleared.statusReason } : {}),
      },
    });
  }

  // Create the change set: CREATE for a new stack, UPDATE otherwise; large templates via S3.
  const name = changeSetName({ revision: job.revision, deploymentId: id, pullRequest: job.pullRequest });
  let changeSetId: string;
  let transforms: readonly string[];
  try {
    ({ changeSetId, transforms } = await createStackChangeSet(deps, {
      job,
      deploymentId: id,
      changeSetName: name,
      stack,
      stackConfig,
    }));
  } catch (error) {
    // A busy stack is retried (the job stays first in its stack's FIFO group); anything else fails.
    if (error instanceof StackBusyError) throw error;
    return fail(changeSetFailureReason(error instanceof Error ? error.message : String(error)));
  }

  // Wait for CloudFormation to compute it, with backoff and a bound.
  const computed = await waitForChangeSet(deps, stack, changeSetId, deps.settings.changeSetWait);
  if (!computed) {
    return fail({
      code: ReasonCode.CHANGE_SET_TIMEOUT,
      message: `Change set ${name} was still being created when Converge stopped waiting; plan again.`,
    });
  }

  // An empty change set means the stack already matches: delete it and finish.
  if (isEmptyChangeSet(computed)) {
    await stacks.deleteChangeSet(stack, changeSetId);
    return finish(deps, deployment, { type: 'PLAN_EMPTY', changeSet: { id: changeSetId, name } });
  }
  if (computed.status !== 'CREATE_COMPLETE') {
    return fail(
      changeSetFailureReason(computed.statusReason ?? `Change set ${name} ended ${computed.status}.`),
    );
  }

  // Summarize what would change, then supersede, gate and report.
  const summary = summarizeChangeSet(computed.changes, { transforms });
  return decidePlannedDeployment(deps, planned, { id: changeSetId, name, summary });
}

async function createDeployment(
  { store, clock, source }: PlanDeps,
  job: PlanJob,
  id: string,
  stack: StackRef,
  trusted: { approval: ApprovalRequirement; from: string },
): Promise<Deployment> {
  const at = iso(clock);
  const commit = await source.commit(job.repository, job.revision).catch(() => undefined);
  const deployment: Deployment = {
    id,
    kind: job.kind,
    stack,
    stackKey: job.stackKey,
    repository: job.repository,
    revision: job.revision,
    author: job.author ?? commit?.author,
    ...(job.authors?.length ? { authors: job.authors } : {}),
    committedAt: commit?.committedAt,
    pullRequest: job.pullRequest,
    status: DeploymentStatus.PLANNING,
    approval: trusted.approval,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await store.createDeployment(deployment, {
    subject: `deployment#${id}`,
    action: 'planning',
    actor: 'system:plan',
    at,
    data: { revision: job.revision, kind: job.kind, approvalFrom: trusted.from, deliveryId: job.deliveryId },
  });
  return deployment;
}

/** Ends planning early (failed, empty or superseded) and tells people. */
async function finish(
  deps: PlanDeps,
  deployment: Deployment,
  event: Parameters<typeof moveDeployment>[2],
  reason?: Reason,
): Promise<Deployment> {
  const ended = await moveDeployment(deps, deployment, event, {
    action: event.type.toLowerCase(),
    actor: 'system:plan',
    reason: reason?.message,
  });
  if (!ended) return (await deps.store.getDeployment(deployment.id)) ?? deployment;
  return notify(deps, ended, { event: reason?.message ?? event.type.toLowerCase().replace('_', ' ') });
}

/** A missing template or parameter file has its own code; any other configuration problem is invalid configuration. */
function configurationCode(error: Error): ReasonCode {
  if (/not found in repository/.test(error.message)) return ReasonCode.TEMPLATE_NOT_FOUND;
  return ReasonCode.CONFIGURATION_INVALID;
}

/** `<account>/<region>/<name>` back to a stack reference, for deployments whose configuration did not read. */
function stackRefFromKey(key: string, stackName: string): StackRef {
  const [, region = 'unknown'] = key.split('/');
  return { stackName, region };
}
