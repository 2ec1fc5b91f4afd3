import type { ChangeSetSummary } from '../change-set/change-set-summary.ts';
import type { ApprovalRequirement } from './approval.ts';

/** Whether a planned change set goes through without a person, and why (for the audit record). */
export interface AutoApprovalDecision {
  readonly autoApprove: boolean;
  readonly why: string;
}

/**
 * Applies a stack's approval policy to a planned change set. `required: 0` and
 * `autoApprove: always` never ask; `never` always asks; `safe` asks unless the change set's
 * risk is `safe` (no removal, replacement, security-sensitive or uncertain change).
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
      return summary.risk === 'safe'
        ? {
            autoApprove: true,
            why: 'The change set is safe: nothing is removed, replaced or security-sensitive.',
          }
        : { autoApprove: false, why: `The change set is rated ${summary.risk} (${flagsOf(summary)}).` };
  }
}

function flagsOf(summary: ChangeSetSummary): string {
  const flags = new Set(summary.changes.flatMap((change) => change.flags));
  return flags.size > 0 ? [...flags].join(', ') : 'no flags';
}
