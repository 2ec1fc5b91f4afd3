import { AuditAction, driftAuditAction } from '../../domain/deployment/audit-action.ts';
import { DriftAction, driftDecision } from '../../domain/drift/drift-decision.ts';
import { DriftMode } from '../../domain/drift/drift-policy.ts';
import type { DriftReport, ResourceDriftReport } from '../../domain/drift/drift-report.ts';
import { type DriftRecord, type SweepStack, SweepStackState } from '../../domain/drift/drift-sweep.ts';
import { markUncheckedResources } from '../../domain/drift/mark-unchecked-resources.ts';
import { iso } from '../../domain/time.ts';
import type { DriftNotifier } from '../../ports/drift-notifier.ts';
import type { DriftStore } from '../../ports/drift-store.ts';
import { type DriftDetectionState, DriftDetectionStatus, type ResourceDrift } from '../../ports/stacks.ts';
import { TrustedRuleUnreadableError } from '../configuration/trusted-rule-unreadable-error.ts';
import { type ConfigurationCache, trustedStackConfig } from '../configuration/trusted-stack-config.ts';
import { deploymentInFlight } from '../deployment/deployment-in-flight.ts';
import { retryThrottled, type ThrottleBackoff } from '../deployment/retry-throttled.ts';
import { actingAs, driftSession } from '../deployment/stack-session.ts';
import {
  driftRevertId,
  type PlanDriftRevertDeps,
  type PlannedRevert,
  planDriftRevert,
} from '../planning/plan-drift-revert.ts';
import { StackBusyError } from '../planning/stack-busy-error.ts';

export interface SettleDriftDeps extends PlanDriftRevertDeps {
  readonly drift: DriftStore;
  readonly driftNotifier: DriftNotifier;
  readonly random?: () => number;
  readonly settings: PlanDriftRevertDeps['settings'] & { readonly throttle?: ThrottleBackoff };
}

export type SettleDriftResult =
  | { readonly outcome: 'running' }
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'settled'; readonly record: DriftRecord };

const ACTOR = 'system:drift';

/**
 * Finishes one drift detection a sweep started: reads its result, records the drift report
 * (per resource and property; resources detection does not cover are NOT_CHECKED), applies the
 * stack's trusted drift policy and acts (report, or plan a revert through the approval gate).
 * Called from the "CloudFormation Drift Detection Status Change" event and by the sweep's own
 * polling; whichever comes first acts, the other finds the stack settled and does nothing.
 *
 * @example
 * const result = await settleDriftDetection(deps, { sweepId, stackKey });
 */
export async function settleDriftDetection(
  deps: SettleDriftDeps,
  input: {
    readonly sweepId: string;
    readonly stackKey: string;
    readonly configurations?: ConfigurationCache;
  },
): Promise<SettleDriftResult> {
  const { drift, clock } = deps;
  const stacks = actingAs(deps.stacks, driftSession(input.sweepId));
  const retry = <T>(what: string, call: () => Promise<T>) =>
    retryThrottled(deps, what, call, deps.settings.throttle);

  // Only a stack whose detection is running is finished here.
  const target = await drift.getSweepStack(input.sweepId, input.stackKey);
  if (!target)
    return { outcome: 'ignored', reason: `${input.stackKey} is not part of sweep ${input.sweepId}` };
  const detectionId = target.detectionId;
  if (target.state !== SweepStackState.DETECTING || !detectionId) {
    return { outcome: 'ignored', reason: `${input.stackKey} is ${target.state}, not detecting` };
  }

  // Read the detection; a running one is finished later (by its event or the next poll).
  const status = await retry('DescribeStackDriftDetectionStatus', () =>
    stacks.driftDetectionStatus(target.stack, detectionId),
  );
  if (status.detectionStatus === DriftDetectionStatus.DETECTION_IN_PROGRESS) return { outcome: 'running' };

  // Build the report: every resource, with its property differences; unchecked ones listed as such.
  const resources =
    status.detectionStatus === DriftDetectionStatus.DETECTION_COMPLETE
      ? await retry('DescribeStackResourceDrifts', () => stacks.resourceDrifts(target.stack))
      : [];
  const listed = await retry('ListStackResources', () => stacks.listResources(target.stack));
  const report = markUncheckedResources(toReport(target, detectionId, status, resources, iso(clock)), listed);

  // Apply the trusted drift policy (converge.yaml at the last applied revision).
  const stackConfig = await trustedStackConfig(deps, input.configurations ?? new Map(), target);
  const policy = stackConfig instanceof Error ? { mode: DriftMode.REPORT, ignore: [] } : stackConfig.drift;
  const inFlight = await deploymentInFlight(deps, target.stackKey, {
    except: driftRevertId(target, detectionId, clock.now()),
  });
  const decision = driftDecision(report, policy, { deploymentInFlight: inFlight });
  const policyNote =
    stackConfig instanceof Error ? ` (policy unreadable, only reporting: ${stackConfig.message})` : '';
  let record: DriftRecord = {
    stackKey: target.stackKey,
    sweepId: target.sweepId,
    detectionId,
    repository: target.repository,
    revision: target.revision,
    policy,
    report: decision.report,
    action: decision.action,
    why: `${decision.why}${policyNote}`,
    recordedAt: iso(clock),
  };

  // Two invocations may finish one detection (its event and the sweep's poll). Only while the
  // stack is still detecting is the record this invocation's to write: one that read the stack
  // before the other settled it must not overwrite the decision that settled it (a `skip`
  // written over an `auto-revert` whose revert already runs).
  const stillDetecting = async () => {
    const now = await drift.getSweepStack(input.sweepId, input.stackKey);
    return now?.state === SweepStackState.DETECTING && now.detectionId === detectionId;
  };
  const finishedElsewhere = {
    outcome: 'ignored',
    reason: `${input.stackKey} was finished by another invocation`,
  } as const;

  // Record it, and plan the revert through the approval gate. Before settling: a busy stack
  // (or an unreadable trusted rule, for a while) throws a retryable error, and the detection stays open so the next poll (or a retried event)
  // plans again, resuming the same deployment (its id derives from the detection).
  if (!(await stillDetecting())) return finishedElsewhere;
  await drift.saveDriftRecord(record);
  if (decision.action === DriftAction.PROPOSE_REVERT && !(stackConfig instanceof Error)) {
    let planned: PlannedRevert;
    try {
      planned = await planDriftRevert(deps, {
        target,
        stackConfig,
        detectionId,
        report,
        drift: driftedOnly(resources, decision.drifted),
      });
    } catch (error) {
      if (error instanceof StackBusyError || error instanceof TrustedRuleUnreadableError) {
        return { outcome: 'running' };
      }
      throw error;
    }
    record = {
      ...record,
      action: planned.decision.action,
      why: planned.decision.why,
      deploymentId: planned.deployment.id,
    };
    if (!(await stillDetecting())) return finishedElsewhere;
    await drift.saveDriftRecord(record);
  }

  // Settle the stack: only the invocation whose conditional write wins tells people.
  const settled = await drift.settleStack(
    target.sweepId,
    target.stackKey,
    { state: SweepStackState.DETECTING, detectionId },
    {
      state: decision.action === DriftAction.SKIP ? SweepStackState.SKIPPED : SweepStackState.DONE,
      action: decision.action,
      reason: `${decision.why}${policyNote}`,
      finishedAt: iso(clock),
    },
  );
  if (!settled) return finishedElsewhere;

  if (record.action !== DriftAction.NONE && record.action !== DriftAction.SKIP) {
    const told = await deps.driftNotifier.driftFound(record);
    for (const failure of told.failures) {
      await deps.store.appendAudit({
        subject: `stack#${target.stackKey}`,
        action: AuditAction.NOTIFY_FAILED,
        actor: ACTOR,
        reason: failure,
        at: iso(clock),
      });
    }
  }
  await deps.store.appendAudit({
    subject: `stack#${target.stackKey}`,
    action: driftAuditAction(record.action),
    actor: ACTOR,
    reason: record.why,
    at: iso(clock),
    data: {
      sweepId: target.sweepId,
      detectionId,
      drifted: decision.drifted.map((r) => ({
        logicalId: r.logicalId,
        status: r.status,
        differences: r.differences.map((d) => ({ path: d.path, expected: d.expected, actual: d.actual })),
      })),
      notChecked: decision.notChecked.map((r) => r.logicalId),
      ...(record.deploymentId ? { deploymentId: record.deploymentId } : {}),
    },
  });
  return { outcome: 'settled', record };
}

function toReport(
  target: SweepStack,
  detectionId: string,
  status: DriftDetectionState,
  drifts: readonly ResourceDrift[],
  at: string,
): DriftReport {
  const detectionStatus =
    status.detectionStatus === DriftDetectionStatus.DETECTION_COMPLETE
      ? DriftDetectionStatus.DETECTION_COMPLETE
      : DriftDetectionStatus.DETECTION_FAILED;
  return {
    stack: target.stack,
    stackKey: target.stackKey,
    detectionId,
    detectionStatus,
    stackDriftStatus: status.stackDriftStatus ?? 'UNKNOWN',
    ...(status.reason ? { statusReason: status.reason } : {}),
    detectedAt: at,
    resources: drifts.map(toResourceReport),
  };
}

function toResourceReport(drift: ResourceDrift): ResourceDriftReport {
  return {
    logicalId: drift.logicalId,
    ...(drift.physicalId ? { physicalId: drift.physicalId } : {}),
    resourceType: drift.resourceType,
    status: drift.status,
    differences: drift.differences.map((d) => ({
      path: d.path,
      expected: d.expected,
      actual: d.actual,
      type: d.type,
    })),
  };
}

/** The drift shown in messages: the drifted resources left after ignore rules, with their differences. */
function driftedOnly(
  resources: readonly ResourceDrift[],
  drifted: readonly ResourceDriftReport[],
): readonly ResourceDrift[] {
  const kept = new Map(drifted.map((r) => [r.logicalId, r]));
  return resources
    .filter((r) => kept.has(r.logicalId))
    .map((r) => ({ ...r, differences: kept.get(r.logicalId)?.differences ?? r.differences }));
}
