import type { ApprovalRequirement } from '../domain/approval/approval.ts';
import type { Deployment, Reason, StackRef } from '../domain/deployment/deployment.ts';
import { DeploymentKind } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Artifacts } from '../ports/artifacts.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Job, Queue } from '../ports/queue.ts';
import type { Source } from '../ports/source.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { decidePlannedDeployment } from './decide-planned-deployment.ts';
import { changeSetName, deploymentId } from './deployment-names.ts';
import { summarizeChangeSet } from './interim/change-set-rules.ts';
import { loadConfiguration } from './interim/configuration.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { readStackInputs } from './stack-inputs.ts';
import { iso } from './supersede.ts';
import { trustedApproval } from './trusted-approval.ts';
import { type ChangeSetWait, isEmptyChangeSet, waitForChangeSet } from './wait-for-change-set.ts';

/** CloudFormation's limit for TemplateBody; larger templates go through S3 as TemplateURL. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

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
    readonly changeSetWait?: ChangeSetWait;
  };
}

export type PlanJob = Extract<Job, { type: 'plan' }>;

/**
 * Plans one revision of one stack: creates its change set, summarizes it, and either
 * auto-approves it, asks for approval, or (previews) reports it on the pull request.
 * Idempotent: a retried job finds its deployment and continues only if it is still PLANNING.
 */
export async function planStack(deps: PlanDeps, job: PlanJob): Promise<Deployment> {
  const { store, stacks, clock } = deps;
  const id = deploymentId(
    job.requestedAt,
    [job.kind, job.deliveryId, job.revision, job.stackKey, job.pullRequest].join('|'),
  );
  const actor = 'system:plan';

  // A retried job resumes its own deployment; a finished one is left as it is.
  const existing = await store.getDeployment(id);
  if (existing && existing.status !== DeploymentStatus.PLANNING) return existing;

  // Read the configuration at the revision being planned.
  const configuration = await loadConfiguration(deps, job).catch((error: unknown) => error as Error);
  const stackConfig =
    configuration instanceof Error ? undefined : configuration.stacks.find((s) => s.name === job.stackName);
  const stack: StackRef = stackConfig
    ? { stackName: stackConfig.name, region: stackConfig.region, roleArn: stackConfig.roleArn }
    : stackRefFromKey(job.stackKey, job.stackName);

  // Take the approval rule from trusted configuration, never from this revision.
  const state = await store.getStackState(job.stackKey);
  const trusted = await trustedApproval(deps, {
    repository: job.repository,
    stackName: job.stackName,
    state,
    fallback: deps.settings.defaultApproval,
  });

  // Record the deployment (PLANNING) unless a retry already did.
  let deployment = existing ?? (await createDeployment(deps, job, id, stack, trusted.approval, trusted.from));
  const fail = (code: ReasonCode, message: string, status: DeploymentStatus = DeploymentStatus.PLAN_FAILED) =>
    finish(deps, deployment, status, { code, message });

  // Refuse to move backwards: a newer plan of this stack was already requested.
  if (job.kind !== DeploymentKind.PREVIEW) {
    if (state?.lastAttemptedDeploymentId && state.lastAttemptedDeploymentId > id) {
      return fail(
        ReasonCode.NEWER_REVISION,
        `Deployment ${state.lastAttemptedDeploymentId} of a newer push was already planned.`,
        DeploymentStatus.SUPERSEDED,
      );
    }
    await store.recordAttempt(job.stackKey, job.revision, id, iso(clock));
  }

  // The stack must be configured at this revision.
  if (configuration instanceof Error) return fail(ReasonCode.CONFIGURATION_INVALID, configuration.message);
  if (!stackConfig)
    return fail(
      ReasonCode.STACK_NOT_CONFIGURED,
      `${job.stackName} is not in converge.yaml at ${job.revision.slice(0, 7)}.`,
    );

  // Read the template and parameters at the revision.
  const inputs = await readStackInputs(deps, {
    repository: job.repository,
    revision: job.revision,
    stack: stackConfig,
  });
  if (!inputs.ok) return fail(inputs.code, inputs.message);

  // Create the change set: CREATE for a new stack, UPDATE otherwise; large templates via S3.
  const name = changeSetName({ revision: job.revision, deploymentId: id, pullRequest: job.pullRequest });
  let changeSetId: string;
  try {
    const live = await stacks.describeStack(stack);
    const templateUrl =
      Buffer.byteLength(inputs.templateBody) > MAX_TEMPLATE_BODY_BYTES
        ? await deps.artifacts.putTemplate(`templates/${job.stackKey}/${id}.template`, inputs.templateBody)
        : undefined;
    ({ changeSetId } = await stacks.createChangeSet({
      stack,
      changeSetName: name,
      changeSetType: live ? 'UPDATE' : 'CREATE',
      ...(templateUrl ? { templateUrl } : { templateBody: inputs.templateBody }),
      parameters: inputs.parameters,
      tags: { ...stackConfig.tags, 'converge:revision': job.revision, 'converge:deployment': id },
      capabilities: stackConfig.capabilities,
      roleArn: stackConfig.roleArn,
      description: `Converge ${job.kind} of ${job.repository}@${job.revision.slice(0, 7)}`,
      clientToken: id,
    }));
  } catch (error) {
    return fail(ReasonCode.CHANGE_SET_REJECTED, error instanceof Error ? error.message : String(error));
  }
  deployment = await store.transition(
    id,
    DeploymentStatus.PLANNING,
    nextStatus(deployment, DeploymentStatus.PLANNING, { changeSet: { id: changeSetId, name } }, clock.now()),
    {
      subject: `deployment#${id}`,
      action: 'change-set-created',
      actor,
      at: iso(clock),
      data: { changeSetId },
    },
  );

  // Wait for CloudFormation to compute it, with backoff and a bound.
  const computed = await waitForChangeSet(deps, stack, changeSetId, deps.settings.changeSetWait);
  if (!computed)
    return fail(
      ReasonCode.CHANGE_SET_TIMEOUT,
      `Change set ${name} was still being created when Converge stopped waiting; plan again.`,
    );

  // An empty change set means the stack already matches: delete it and finish.
  if (isEmptyChangeSet(computed)) {
    await stacks.deleteChangeSet(stack, changeSetId);
    return fail(
      ReasonCode.NO_CHANGES,
      'The stack already matches this revision.',
      DeploymentStatus.NO_CHANGES,
    );
  }
  if (computed.status !== 'CREATE_COMPLETE') {
    return fail(
      ReasonCode.CHANGE_SET_FAILED,
      computed.statusReason ?? `Change set ended ${computed.status}.`,
    );
  }

  // Summarize what would change, then supersede, gate and report (decidePlannedDeployment).
  const summary = summarizeChangeSet(computed.changes);
  return decidePlannedDeployment(deps, deployment, { id: changeSetId, name, summary });
}

async function createDeployment(
  { store, clock, source }: PlanDeps,
  job: PlanJob,
  id: string,
  stack: StackRef,
  approval: ApprovalRequirement,
  approvalFrom: string,
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
    committedAt: commit?.committedAt,
    pullRequest: job.pullRequest,
    status: DeploymentStatus.PLANNING,
    approval,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await store.createDeployment(deployment, {
    subject: `deployment#${id}`,
    action: 'planning',
    actor: 'system:plan',
    at,
    data: { revision: job.revision, kind: job.kind, approvalFrom, deliveryId: job.deliveryId },
  });
  return deployment;
}

async function finish(
  deps: PlanDeps,
  deployment: Deployment,
  status: DeploymentStatus,
  reason: Reason,
): Promise<Deployment> {
  const { store, clock } = deps;
  const ended = await store.transition(
    deployment.id,
    deployment.status,
    nextStatus(deployment, status, { reason }, clock.now()),
    {
      subject: `deployment#${deployment.id}`,
      action: status.toLowerCase(),
      actor: 'system:plan',
      reason: reason.message,
      at: iso(clock),
    },
  );
  await notify(deps, ended, { event: reason.message, awaitingApproval: false });
  return ended;
}

/** `<account>/<region>/<name>` back to a stack reference, for deployments whose configuration did not read. */
function stackRefFromKey(key: string, stackName: string): StackRef {
  const [, region = 'unknown'] = key.split('/');
  return { stackName, region };
}
