import type { ChangeSetSummary } from '../change-set/change-set-summary.ts';
import type { ApprovalRequirement } from './approval.ts';

/** Whether a planned change set goes through without a person, and why (for the audit record). */
export interface AutoApprovalDecision {
  readonly autoApprove: boolean;
  readonly why: string;
}

/** How many reasons a decision spells out before it says "and n more". */
const NAMED = 3;

/**
 * Applies a stack's approval policy to a planned change set. `required: 0` and
 * `autoApprove: always` never ask; `never` always asks; `safe` asks unless every resource change
 * is on the safe list (safe-changes.ts) and the template runs no transform, and then says which
 * change made a person necessary. A summary written before the safe list existed is never safe.
 *
 * @example
 * ```ts
 * const decision = autoApprovalDecision(deployment.approval, summary);
 * const event = decision.autoApprove ? { type: 'AUTO_APPROVED', changeSet } : { type: 'APPROVAL_REQUIRED', changeSet, expiresAt };
 * ```
 */
export function autoApprovalDecision(
  requirement: Pick<ApprovalRequirement, 'required' | 'autoApprove'>,
  summary: ChangeSetSummary,
): AutoApprovalDecision {
  if (requirement.required <= 0) return { autoApprove: true, why: 'The policy requires no approval.' };
  switch (requirement.autoApprove) {
    case 'always':
      return { autoApprove: true, why: 'The policy approves every change set automatically.' };
    case 'never':
      return { autoApprove: false, why: 'The policy asks a person to approve every change set.' };
    default:
      return safeDecision(summary);
  }
}

function safeDecision(summary: ChangeSetSummary): AutoApprovalDecision {
  if (summary.unsafe === undefined) {
    return {
      autoApprove: false,
      why: 'The change set was summarized before the safe list existed, so it is not known to be safe; plan it again to rate it.',
    };
  }
  const unsafe = [
    ...summary.unsafe,
    ...summary.changes.flatMap((change) => (change.unsafe === undefined ? [] : [change.unsafe])),
  ];
  if (unsafe.length === 0 && summary.risk === 'safe') {
    return { autoApprove: true, why: 'Every resource change is on the safe list.' };
  }
  const reasons = unsafe.length > 0 ? unsafe : [`the change set is rated ${summary.risk}`];
  const more = reasons.length > NAMED ? `; and ${reasons.length - NAMED} more` : '';
  return {
    autoApprove: false,
    why: `Not auto-approved: ${reasons.slice(0, NAMED).join('; ')}${more}.`,
  };
}
