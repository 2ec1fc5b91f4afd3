import type { ApprovalRequirement } from '../domain/approval/approval.ts';
import { summarizeChangeSet } from '../domain/change-set/summarize-change-set.ts';
import type { StackConfig } from '../domain/config/stack-config.ts';
import { type Deployment, DeploymentKind, type Reason } from '../domain/deployment/deployment.ts';
import type { DeploymentEvent } from '../domain/deployment/deployment-event.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../domain/deployment/reason-code.ts';
import { DriftAction, type DriftDecision, driftDecision } from '../domain/drift/drift-decision.ts';
import type { DriftReport } from '../domain/drift/drift-report.ts';
import type { SweepStack } from '../domain/drift/drift-sweep.ts';
import { TEMPLATE_BODY_MAX_BYTES } from '../domain/template/template-limits.ts';
import type { Artifacts } from '../ports/artifacts.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Queue } from '../ports/queue.ts';
import type { Source } from '../ports/source.ts';
import type { ResourceDrift, Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { StoreConflictError } from '../ports/store-errors.ts';
import { changeSetFailureReason } from './change-set-failure-reason.ts';
import { decidePlannedDeployment } from './decide-planned-deployment.ts';
import { changeSetName, deploymentId } from './deployment-names.ts';
import { iso, moveDeployment } from './move-deployment.ts';
import { notify } from './notify.ts';
import { type ChangeSetWait, isEmptyChangeSet, waitForChangeSet } from './wait-for-change-set.ts';

export interface PlanDriftRevertDeps {
  readonly source: Source;
  readonly stacks: Stacks;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly artifacts: Artifacts;
  readonly notifier: Notifier;
  readonly settings: { readonly changeSetWait?: ChangeSetWait };
}

export interface PlanDriftRevertInput {
  readonly target: SweepStack;
  /** The stack's entry in converge.yaml at the last applied revision (trusted configuration). */
  readonly stackConfig: StackConfig;
  /** The detection the revert answers; the deployment id derives from it, so a retry finds it. */
  readonly detectionId: string;
  /** The drift as detected (before ignore rules): decided on again with the revert's summary. */
  readonly report: DriftReport;
  /** What drifted, for the Slack message. */
  readonly drift: readonly ResourceDrift[];
}

export interface PlannedRevert {
  readonly deployment: Deployment;
  /** The decision once the revert's change set is known (`auto-revert` or `propose-revert`). */
  readonly decision: DriftDecision;
}

const ACTOR = 'system:drift';

/**
 * Plans a drift revert: a `revert-drift` deployment of the stack's last applied revision whose
 * change set has `DeploymentMode=REVERT_DRIFT` (drifted properties go back to the template, deleted
 * resources are recreated). It then goes through the same gate as any deployment
 * (`decidePlannedDeployment`): `revert` always waits for a person; `revert-auto` is approved by
 * policy only when the revert removes and replaces nothing (`driftDecision` with its summary).
 * Every message about it shows the drift.
 *
 * @example
 * const { deployment, decision } = await planDriftRevert(deps, { target, stackConfig, detectionId, report, drift });
 */
export async function planDriftRevert(
  deps: PlanDriftRevertDeps,
  input: PlanDriftRevertInput,
): Promise<PlannedRevert> {
  const { store, stacks, clock } = deps;
  const { target, stackConfig, report } = input;
  const policy = stackConfig.drift;
  const notifier = withDrift(deps.notifier, input.drift);
  const gateDeps = { ...deps, notifier };
  const undecided = driftDecision(report, policy, { deploymentInFlight: false });
  const requestedAt = target.startedAt ? Date.parse(target.startedAt) : clock.now();
  const id = deploymentId(requestedAt, `revert-drift|${input.detectionId}|${target.stackKey}`);

  // Record the deployment (PLANNING); a person must approve unless the revert proves harmless.
  const approval = humanApproval(stackConfig.approval);
  const deployment = await createDeployment(deps, target, id, approval, input.detectionId);
  if (deployment.status !== DeploymentStatus.PLANNING) return { deployment, decision: undecided };
  const end = async (event: DeploymentEvent, reason?: Reason): Promise<PlannedRevert> => {
    const ended = await moveDeployment(deps, deployment, event, {
      action: event.type.toLowerCase(),
      actor: ACTOR,
      reason: reason?.message,
    });
    const shown = ended
      ? await notify(gateDeps, ended, { event: reason?.message ?? 'drift revert planned: nothing to change' })
      : ((await store.getDeployment(id)) ?? deployment);
    return { deployment: shown, decision: undecided };
  };

  // Order it after every earlier plan of the stack, so an older revision never runs after it.
  if (!(await store.recordAttempt(target.stackKey, target.revision, id, iso(clock)))) {
    const newer = await store.getStackState(target.stackKey);
    return end({
      type: 'SUPERSEDED',
      by: {
        deploymentId: newer?.lastAttemptedDeploymentId ?? 'unknown',
        revision: newer?.lastAttemptedRevision ?? 'unknown',
      },
    });
  }

  // Create the drift-aware change set from the last applied revision's template and parameters.
  const name = changeSetName({ revision: target.revision, deploymentId: id });
  let changeSetId: string;
  try {
    const bytes = await deps.source.readFile(target.repository, target.revision, stackConfig.template);
    if (!bytes) throw new Error(`${stackConfig.template} does not exist at ${target.revision.slice(0, 12)}.`);
    const templateBody = new TextDecoder().decode(bytes);
    const templateUrl =
      Buffer.byteLength(templateBody) > TEMPLATE_BODY_MAX_BYTES
        ? await deps.artifacts.putTemplate(`templates/${target.stackKey}/${id}.template`, templateBody)
        : undefined;
    ({ changeSetId } = await stacks.createChangeSet({
      stack: target.stack,
      changeSetName: name,
      changeSetType: 'UPDATE',
      ...(templateUrl ? { templateUrl } : { templateBody }),
      parameters: stackConfig.parameters,
      tags: {
        ...stackConfig.tags,
        'converge:revision': target.revision,
        'converge:deployment': id,
      },
      capabilities: stackConfig.capabilities,
      roleArn: stackConfig.roleArn,
      description: `Converge drift revert to ${target.repository}@${target.revision.slice(0, 12)}`,
      clientToken: id,
      deploymentMode: 'REVERT_DRIFT',
    }));
  } catch (error) {
    const reason = changeSetFailureReason(error instanceof Error ? error.message : String(error));
    return end({ type: 'PLAN_FAILED', reason }, reason);
  }

  // Wait for it; an empty revert means the drift is already gone.
  const computed = await waitForChangeSet(deps, target.stack, changeSetId, deps.settings.changeSetWait);
  if (!computed) {
    const reason = {
      code: ReasonCode.CHANGE_SET_TIMEOUT,
      message: `Drift revert change set ${name} was still being created when Converge stopped waiting.`,
    };
    return end({ type: 'PLAN_FAILED', reason }, reason);
  }
  if (isEmptyChangeSet(computed)) {
    await stacks.deleteChangeSet(target.stack, changeSetId);
    return end({ type: 'PLAN_EMPTY', changeSet: { id: changeSetId, name } });
  }
  if (computed.status !== 'CREATE_COMPLETE') {
    const reason = changeSetFailureReason(
      computed.statusReason ?? `Change set ${name} ended ${computed.status}.`,
    );
    return end({ type: 'PLAN_FAILED', reason }, reason);
  }

  // Decide again with what the revert would do, then send it through the approval gate.
  const summary = summarizeChangeSet(computed.changes);
  const decision = driftDecision(report, policy, { deploymentInFlight: false, revertSummary: summary });
  const gated: Deployment =
    decision.action === DriftAction.AUTO_REVERT
      ? { ...deployment, approval: { ...approval, autoApprove: 'always' } }
      : deployment;
  const decided = await decidePlannedDeployment(gateDeps, gated, { id: changeSetId, name, summary });
  return { deployment: decided, decision };
}

/** The revert waits for a person unless the drift policy itself lets it through. */
function humanApproval(trusted: ApprovalRequirement): ApprovalRequirement {
  return { ...trusted, required: Math.max(1, trusted.required), autoApprove: 'never' };
}

async function createDeployment(
  { store, clock }: PlanDriftRevertDeps,
  target: SweepStack,
  id: string,
  approval: ApprovalRequirement,
  detectionId: string,
): Promise<Deployment> {
  const at = iso(clock);
  const deployment: Deployment = {
    id,
    kind: DeploymentKind.REVERT_DRIFT,
    stack: target.stack,
    stackKey: target.stackKey,
    repository: target.repository,
    revision: target.revision,
    author: ACTOR,
    status: DeploymentStatus.PLANNING,
    approval,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await store.createDeployment(deployment, {
      subject: `deployment#${id}`,
      action: 'planning',
      actor: ACTOR,
      at,
      data: {
        revision: target.revision,
        kind: DeploymentKind.REVERT_DRIFT,
        detectionId,
        sweepId: target.sweepId,
      },
    });
    return deployment;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    return (await store.getDeployment(id)) ?? deployment;
  }
}

/** Every message about the revert carries the drift it reverts. */
function withDrift(notifier: Notifier, drift: readonly ResourceDrift[]): Notifier {
  return {
    deploymentChanged: (deployment, context) => notifier.deploymentChanged(deployment, { ...context, drift }),
    pullRequestClosed: (pullRequest) => notifier.pullRequestClosed(pullRequest),
    configurationInvalid: (problems) => notifier.configurationInvalid(problems),
  };
}
