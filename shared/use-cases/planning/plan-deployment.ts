import type { ApprovalRequirement } from '../../domain/approval/approval.ts';
import {
  changeSetFailureReason,
  isTransientChangeSetError,
} from '../../domain/change-set/change-set-failure-reason.ts';
import type { ChangeSetSummary } from '../../domain/change-set/change-set-summary.ts';
import { summarizeChangeSet } from '../../domain/change-set/summarize-change-set.ts';
import { ConfigurationProblem, hasConfigurationProblem } from '../../domain/config/configuration-error.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import {
  type Deployment,
  DeploymentKind,
  type Reason,
  type StackRef,
} from '../../domain/deployment/deployment.ts';
import { changeSetName } from '../../domain/deployment/deployment-names.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { type ControlPlanePolicy, targetAccount } from '../../domain/policy/control-plane-policy.ts';
import { terminationProtectionToApply } from '../../domain/stack/termination-protection.ts';
import { iso } from '../../domain/time.ts';
import type { Artifacts } from '../../ports/artifacts.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Source } from '../../ports/source.ts';
import { ChangeSetStatus, type Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { loadConfiguration } from '../configuration/load-configuration.ts';
import { inSession } from '../deployment/stack-session.ts';
import { awaitDependencies, isResumable } from './await-dependencies.ts';
import { claimRevision } from './claim-revision.ts';
import { clearFailedCreate } from './clear-failed-create.ts';
import { closePlanning } from './close-planning.ts';
import { createPlannedDeployment, type PlannedDeploymentInput } from './create-planned-deployment.ts';
import { createStackChangeSet } from './create-stack-change-set.ts';
import { decidePlannedDeployment } from './decide-planned-deployment.ts';
import { planTrust, REPOSITORY_TAG } from './plan-trust.ts';
import { StackBusyError } from './stack-busy-error.ts';
import { type ChangeSetWait, isEmptyChangeSet, waitForChangeSet } from './wait-for-change-set.ts';

export interface PlanDeps {
  readonly source: Source;
  readonly stacks: Stacks;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly artifacts: Artifacts;
  readonly notifier: Notifier;
  /** The control-plane policy: which stacks a repository may manage, and who approves what no trusted rule covers. */
  readonly policy: ControlPlanePolicy;
  readonly settings: {
    /** How long a plan waits (retried) for an unreadable trusted rule before it fails; 10 minutes by default. */
    readonly trustedRuleWaitMs?: number;
    /** CloudFormation service role for stacks whose configuration names none. */
    readonly defaultRoleArn?: string;
    readonly changeSetWait?: ChangeSetWait;
    /** How long to wait for a rolled-back stack to be deleted before it is created again. */
    readonly stackDeleteWait?: ChangeSetWait;
    /** How long a dependency that has no deployment at the revision and was never applied is waited for. */
    readonly dependencyWaitMs?: number;
  };
}

/** One plan: deploy, preview or drift revert of one stack at one revision; the mode is data. */
export interface PlanRequest extends PlannedDeploymentInput {
  readonly stackName: string;
  /** When the plan was requested (ms since the epoch); an unreadable trusted rule is waited for from here. */
  readonly requestedAt: number;
  /**
   * Approves by policy when the computed change set proves the plan harmless (a drift revert
   * under `revert-auto`); otherwise the trusted rule alone decides.
   */
  readonly autoApproveIf?: (summary: ChangeSetSummary) => boolean;
}

/**
 * The one planning pipeline, for deployments, previews and drift reverts: reads the
 * configuration at the revision, takes the approval rule from trusted configuration, records the
 * deployment, orders it after earlier plans of the stack, creates the change set (its mode is
 * data), waits for it, and ends empty or failed with a named reason, or hands the summary to the
 * approval gate. Idempotent: a retry with the same id resumes its deployment while it is PLANNING.
 * Throws {@link StackBusyError} while the stack is mid-operation, so the caller retries.
 *
 * @example
 * const deployment = await planDeployment(deps, { id, mode: 'deploy', repository, revision, stackName, stackKey, actor: 'system:plan' });
 */
export async function planDeployment(given: PlanDeps, request: PlanRequest): Promise<Deployment> {
  const { id, mode } = request;
  // Everything done in target accounts for this deployment acts under a session named after it.
  const deps = inSession(given, id);
  const { store, stacks } = deps;

  // A retry resumes its own deployment (also one waiting for its dependencies); a finished one is left as it is.
  const existing = await store.getDeployment(id);
  if (existing && !isResumable(existing.status)) return existing;

  // Read the configuration at the revision being planned.
  const configuration = await loadConfiguration(deps, request).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  const stackConfig =
    configuration instanceof Error
      ? undefined
      : configuration.stacks.find((s) => s.name === request.stackName);
  const stack = stackRef(deps, request, configuration);

  // Decide trust: whether this repository may plan the stack, and under which trusted rule.
  const state = await store.getStackState(request.stackKey);
  const trust = await planTrust(deps, {
    ...request,
    stack,
    state,
    next: configuration instanceof Error ? undefined : configuration,
  });
  const approval = mode === DeploymentKind.REVERT_DRIFT ? humanApproval(trust.approval) : trust.approval;
  const gateDeps = trust.flags.length > 0 ? { ...deps, notifier: flagged(deps.notifier, trust.flags) } : deps;

  // Record the deployment (PLANNING) unless a retry already did; a deploy leaves termination
  // protection as its converge.yaml says (or off, when Converge had turned it on and the key went).
  const protection =
    mode === DeploymentKind.DEPLOY
      ? terminationProtectionToApply(stackConfig?.terminationProtection, trust.appliedTerminationProtection)
      : undefined;
  let deployment =
    existing ??
    (await createPlannedDeployment(deps, request, stack, {
      approval,
      from: trust.from,
      flags: trust.flags,
      ...(trust.windows ? { windows: trust.windows } : {}),
      ...(protection !== undefined ? { terminationProtection: protection } : {}),
    }));
  if (!isResumable(deployment.status)) return deployment;
  const end = (event: Parameters<typeof closePlanning>[2], reason?: Reason) =>
    closePlanning(gateDeps, deployment, event, request.actor, reason);
  const fail = (reason: Reason) => end({ type: 'PLAN_FAILED', reason }, reason);

  // Order by Git history: a deploy of an ancestor of what the stack has is stale (recorded, never
  // planned) and a rewritten history is flagged for a person. A drift revert re-applies the
  // applied revision and keeps the order of requests; previews take no part.
  let planned = deployment;
  if (mode === DeploymentKind.DEPLOY) {
    const claim = await claimRevision(deps, request, id);
    if (claim.kind === 'stale')
      return end({ type: 'SUPERSEDED', by: claim.by, reason: claim.reason }, claim.reason);
    if (claim.historyRewritten) planned = { ...deployment, historyRewritten: claim.historyRewritten };
  } else if (
    mode === DeploymentKind.REVERT_DRIFT &&
    !(await store.recordAttempt(request.stackKey, request.revision, id, iso(deps.clock)))
  ) {
    const newer = await store.getStackState(request.stackKey);
    const by = {
      deploymentId: newer?.lastAttemptedDeploymentId ?? 'unknown',
      revision: newer?.lastAttemptedRevision ?? 'unknown',
    };
    return end({ type: 'SUPERSEDED', by });
  }

  // A plan the trust step refused ends here, with its reason.
  if (trust.refusal) return fail(trust.refusal);

  // The stack must be configured at this revision (its template and parameters read there).
  if (configuration instanceof Error)
    return fail({ code: configurationCode(configuration), message: configuration.message });
  if (!stackConfig) {
    return fail({
      code: ReasonCode.STACK_NOT_CONFIGURED,
      message: `${request.stackName} is not in converge.yaml at ${request.revision.slice(0, 12)}.`,
    });
  }

  // Dependencies first: wait for their deployments at this revision, stop if one failed, and
  // read the `fromStack` parameters from their outputs.
  const gate = await awaitDependencies(gateDeps, deployment, { configuration, stackConfig }, request.actor);
  deployment = gate.deployment;
  if (gate.kind === 'blocked') return fail(gate.reason);
  if (gate.kind === 'waiting') return deployment;
  planned = {
    ...deployment,
    ...(planned.historyRewritten ? { historyRewritten: planned.historyRewritten } : {}),
  };
  const configured = { ...stackConfig, parameters: { ...stackConfig.parameters, ...gate.parameters } };

  // A stack whose first creation rolled back can only be deleted: a deployment deletes it
  // (it holds no resources) and creates it again; statuses that need a person end here.
  const cleared = await clearFailedCreate(deps, stack, {
    mayDelete: mode === DeploymentKind.DEPLOY,
    wait: deps.settings.stackDeleteWait,
  });
  if (cleared.kind === 'blocked') return fail(cleared.reason);
  if (cleared.kind === 'deleted') {
    await store.appendAudit({
      subject: `deployment#${id}`,
      action: AuditAction.STACK_DELETED,
      actor: request.actor,
      reason: `${stack.stackName} was ${cleared.status}: its first creation failed and rolled back, so it held no resources and could only be deleted. Deleted it to create it again.`,
      at: iso(deps.clock),
      data: {
        stackId: cleared.stackId,
        status: cleared.status,
        ...(cleared.statusReason ? { statusReason: cleared.statusReason } : {}),
      },
    });
  }

  // Create the change set in the request's mode; large templates via S3.
  const name = changeSetName({
    revision: request.revision,
    deploymentId: id,
    pullRequest: request.pullRequest,
  });
  let changeSetId: string;
  let transforms: readonly string[];
  try {
    ({ changeSetId, transforms } = await createStackChangeSet(deps, {
      repository: request.repository,
      revision: request.revision,
      stackKey: request.stackKey,
      mode,
      deploymentId: id,
      changeSetName: name,
      stack,
      stackConfig: configured,
      tags: { [REPOSITORY_TAG]: request.repository },
    }));
  } catch (error) {
    // A busy stack, a throttled or 5xx answer, or a stack created meanwhile is retried (the
    // caller keeps the request); anything else fails.
    if (error instanceof StackBusyError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (isTransientChangeSetError(error)) throw new StackBusyError(request.stackKey, message);
    return fail(changeSetFailureReason(message));
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
    return end({ type: 'PLAN_EMPTY', changeSet: { id: changeSetId, name } });
  }
  if (computed.status !== ChangeSetStatus.CREATE_COMPLETE) {
    return fail(
      changeSetFailureReason(computed.statusReason ?? `Change set ${name} ended ${computed.status}.`),
    );
  }

  // Summarize what would change, then supersede, gate and report.
  const summary = summarizeChangeSet(computed.changes, { transforms });
  // A revert the drift policy proves harmless is approved by policy, unless the policy caps
  // auto-approval at never or the plan carries a flag (adoption, policy change) people must see.
  const autoApprove =
    request.autoApproveIf?.(summary) &&
    trust.flags.length === 0 &&
    deps.policy.approval.autoApprove !== 'never';
  const gated: Deployment = autoApprove
    ? { ...planned, approval: { ...approval, autoApprove: 'always' } }
    : planned;
  return decidePlannedDeployment(gateDeps, gated, { id: changeSetId, name, summary });
}

/** The stack as configured at the revision, its role defaulting to the control plane's. */
function stackRef(deps: PlanDeps, request: PlanRequest, configuration: Configuration | Error): StackRef {
  const stackConfig =
    configuration instanceof Error
      ? undefined
      : configuration.stacks.find((s) => s.name === request.stackName);
  if (!stackConfig) {
    // `<account>/<region>/<name>` back to a stack reference, for deployments whose configuration did not read.
    const [account = 'default', region = 'unknown'] = request.stackKey.split('/');
    return { stackName: request.stackName, region, ...(account !== 'default' ? { account } : {}) };
  }
  // A fork is planned with the preview role, which may create change sets and never execute them.
  // A stack in a target account defaults to that account's service role, never to Converge's own.
  const defaultRoleArn = stackConfig.account
    ? targetAccount(deps.policy, stackConfig.account)?.serviceRoleArn
    : deps.settings.defaultRoleArn;
  const roleArn = request.fork ? deps.policy.forks.previewRoleArn : (stackConfig.roleArn ?? defaultRoleArn);
  return {
    stackName: stackConfig.name,
    region: stackConfig.region,
    ...(stackConfig.account ? { account: stackConfig.account } : {}),
    ...(roleArn ? { roleArn } : {}),
  };
}

/** A drift revert waits for a person unless the drift policy itself lets it through (`autoApproveIf`); a deletion always does. */
export function humanApproval(trusted: ApprovalRequirement): ApprovalRequirement {
  return { ...trusted, required: Math.max(1, trusted.required), autoApprove: 'never' };
}

/** Every message about a flagged deployment (adoption, policy change, deletion) says so first. */
export function flagged(notifier: Notifier, flags: readonly string[]): Notifier {
  const prefix = flags.join(' | ');
  return {
    deploymentChanged: (deployment, context) =>
      notifier.deploymentChanged(deployment, { ...context, event: `${prefix} | ${context.event}` }),
    pullRequestClosed: (pullRequest) => notifier.pullRequestClosed(pullRequest),
    configurationInvalid: (problems) => notifier.configurationInvalid(problems),
  };
}

/** A missing template or parameter file has its own code; any other configuration problem is invalid configuration. */
function configurationCode(error: Error): ReasonCode {
  if (hasConfigurationProblem(error, ConfigurationProblem.FILE_NOT_FOUND))
    return ReasonCode.TEMPLATE_NOT_FOUND;
  return ReasonCode.CONFIGURATION_INVALID;
}
