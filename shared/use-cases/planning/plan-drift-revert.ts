import type { StackConfig } from '../../domain/config/stack-config.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { deploymentId } from '../../domain/deployment/deployment-names.ts';
import { DriftAction, type DriftDecision, driftDecision } from '../../domain/drift/drift-decision.ts';
import type { DriftReport } from '../../domain/drift/drift-report.ts';
import type { SweepStack } from '../../domain/drift/drift-sweep.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { ResourceDrift } from '../../ports/stacks.ts';
import { type PlanDeps, planDeployment } from './plan-deployment.ts';

export type PlanDriftRevertDeps = PlanDeps;

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

/**
 * Plans a drift revert: a `revert-drift` deployment of the stack's last applied revision whose
 * change set has `DeploymentMode=REVERT_DRIFT` (drifted properties go back to the template, deleted
 * resources are recreated), through the same pipeline as any deployment ({@link planDeployment}):
 * the same trusted rule, role, ordering and retry of a busy stack. `revert` always waits for a
 * person; `revert-auto` is approved by policy only when the revert removes and replaces nothing
 * (`driftDecision` with its summary). Every message about it shows the drift.
 *
 * @throws StackBusyError while the stack is mid-operation: the caller leaves the detection to be
 * finished again, and the retry resumes this deployment (its id derives from the detection).
 * @example
 * const { deployment, decision } = await planDriftRevert(deps, { target, stackConfig, detectionId, report, drift });
 */
export async function planDriftRevert(
  deps: PlanDriftRevertDeps,
  input: PlanDriftRevertInput,
): Promise<PlannedRevert> {
  const { target, stackConfig, report } = input;
  const policy = stackConfig.drift;
  const decide = (revertSummary?: Parameters<typeof driftDecision>[2]['revertSummary']) =>
    driftDecision(report, policy, { deploymentInFlight: false, revertSummary });

  const deployment = await planDeployment(
    { ...deps, notifier: withDrift(deps.notifier, input.drift) },
    {
      id: driftRevertId(target, input.detectionId, deps.clock.now()),
      mode: DeploymentKind.REVERT_DRIFT,
      repository: target.repository,
      revision: target.revision,
      stackName: target.stack.stackName,
      stackKey: target.stackKey,
      requestedAt: target.startedAt ? Date.parse(target.startedAt) : deps.clock.now(),
      author: 'system:drift',
      actor: 'system:drift',
      audit: { detectionId: input.detectionId, sweepId: target.sweepId },
      autoApproveIf: (summary) => decide(summary).action === DriftAction.AUTO_REVERT,
    },
  );
  return { deployment, decision: decide(deployment.changeSet?.summary) };
}

/**
 * The id of the revert that answers one detection: the same on every retry, so a retried
 * detection resumes its revert (and does not count it as another deployment in flight).
 */
export function driftRevertId(
  target: Pick<SweepStack, 'startedAt' | 'stackKey'>,
  detectionId: string,
  now: number,
): string {
  const requestedAt = target.startedAt ? Date.parse(target.startedAt) : now;
  return deploymentId(requestedAt, `revert-drift|${detectionId}|${target.stackKey}`);
}

/** Every message about the revert carries the drift it reverts. */
function withDrift(notifier: Notifier, drift: readonly ResourceDrift[]): Notifier {
  return {
    deploymentChanged: (deployment, context) => notifier.deploymentChanged(deployment, { ...context, drift }),
    pullRequestClosed: (pullRequest) => notifier.pullRequestClosed(pullRequest),
    configurationInvalid: (problems) => notifier.configurationInvalid(problems),
  };
}
