import type { ChangeSetSummary } from '../change-set/change-set-summary.ts';
import { applyIgnoreRules } from './apply-ignore-rules.ts';
import { DriftMode, type DriftPolicy } from './drift-policy.ts';
import type { DriftReport, ResourceDriftReport } from './drift-report.ts';
import { isDrifted, isUnchecked } from './drift-report.ts';

/** What the drift sweep does with one stack. */
export const DriftAction = {
  /** Leave the stack alone this sweep (a deployment is in flight, or detection still running). */
  SKIP: 'skip',
  /** Nothing drifted (after ignore rules). */
  NONE: 'none',
  /** Tell people; change nothing. */
  REPORT: 'report',
  /** Create a REVERT_DRIFT change set and send it through the approval gate. */
  PROPOSE_REVERT: 'propose-revert',
  /** Execute the REVERT_DRIFT change set without a person. */
  AUTO_REVERT: 'auto-revert',
} as const;
export type DriftAction = (typeof DriftAction)[keyof typeof DriftAction];

/** What the rules need besides the report and the policy. */
export interface DriftContext {
  /** A deployment of this stack is planning, awaiting approval, approved or executing. */
  readonly deploymentInFlight: boolean;
  /** The summary of the planned revert change set; needed before anything reverts on its own. */
  readonly revertSummary?: ChangeSetSummary;
}

/** The decision, with the drift it is about and a sentence for the audit record. */
export interface DriftDecision {
  readonly action: DriftAction;
  readonly why: string;
  /** The report after the policy's ignore rules. */
  readonly report: DriftReport;
  /** MODIFIED and DELETED resources. */
  readonly drifted: readonly ResourceDriftReport[];
  /** NOT_CHECKED and UNKNOWN resources: listed as not checked, never counted as in sync. */
  readonly notChecked: readonly ResourceDriftReport[];
}

/**
 * Decides what to do about a stack's drift. Ignore rules apply first. `report` mode only
 * notifies; `revert` proposes a REVERT_DRIFT change set for approval; `revert-auto` reverts on
 * its own only when the planned revert removes nothing and replaces nothing (not even
 * conditionally, nor dynamically) — otherwise, or before the revert is planned, it proposes.
 * A failed detection is reported, never reverted on a partial picture.
 *
 * @example
 * ```ts
 * const first = driftDecision(report, policy, { deploymentInFlight });
 * // 'propose-revert' for revert and revert-auto: plan the revert, then decide again with its summary
 * const second = driftDecision(report, policy, { deploymentInFlight, revertSummary });
 * ```
 */
export function driftDecision(
  report: DriftReport,
  policy: DriftPolicy,
  context: DriftContext,
): DriftDecision {
  const filtered = applyIgnoreRules(report, policy.ignore);
  const drifted = filtered.resources.filter((r) => isDrifted(r.status));
  const notChecked = filtered.resources.filter((r) => isUnchecked(r.status));
  const decide = (action: DriftAction, why: string): DriftDecision => ({
    action,
    why,
    report: filtered,
    drifted,
    notChecked,
  });

  if (context.deploymentInFlight) {
    return decide(
      DriftAction.SKIP,
      'A deployment of this stack is in flight; the next sweep checks it again.',
    );
  }
  if (report.detectionStatus === 'DETECTION_IN_PROGRESS') {
    return decide(DriftAction.SKIP, 'Drift detection is still running; the next sweep reads its result.');
  }
  if (report.detectionStatus === 'DETECTION_FAILED') {
    const because = report.statusReason ? `: ${report.statusReason}` : '';
    return decide(
      DriftAction.REPORT,
      `Drift detection failed${because}; nothing is reverted on a partial result.`,
    );
  }
  if (drifted.length === 0) {
    const unchecked = notChecked.length > 0 ? ` (${notChecked.length} resources not checked)` : '';
    return decide(DriftAction.NONE, `No drift after ignore rules${unchecked}.`);
  }
  const what = `${drifted.length} resources drifted (${drifted.map((r) => r.logicalId).join(', ')})`;
  switch (policy.mode) {
    case DriftMode.REPORT:
      return decide(DriftAction.REPORT, `${what}; the policy only reports drift.`);
    case DriftMode.REVERT:
      return decide(DriftAction.PROPOSE_REVERT, `${what}; the policy reverts drift after approval.`);
    default:
      return revertAutomatically(context.revertSummary, what, decide);
  }
}

function revertAutomatically(
  summary: ChangeSetSummary | undefined,
  what: string,
  decide: (action: DriftAction, why: string) => DriftDecision,
): DriftDecision {
  if (!summary) {
    return decide(
      DriftAction.PROPOSE_REVERT,
      `${what}; plan the revert, then decide again with its summary.`,
    );
  }
  const unsafe = [
    summary.remove > 0 ? `${summary.remove} removal(s)` : '',
    summary.replace > 0 ? `${summary.replace} replacement(s)` : '',
    summary.conditionalReplace > 0 ? `${summary.conditionalReplace} possible replacement(s)` : '',
    (summary.dynamic ?? 0) > 0 ? `${summary.dynamic} change(s) decided at execution` : '',
  ].filter((s) => s !== '');
  return unsafe.length === 0
    ? decide(
        DriftAction.AUTO_REVERT,
        `${what}; the revert removes and replaces nothing, so it runs without approval.`,
      )
    : decide(
        DriftAction.PROPOSE_REVERT,
        `${what}; the revert has ${unsafe.join(', ')}, so a person approves it.`,
      );
}
