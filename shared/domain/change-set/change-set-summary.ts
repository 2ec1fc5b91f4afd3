/** Risk of a change set, highest wins. `safe` may be auto-approved when policy allows. */
export const ChangeRisk = {
  /** Every resource change is on the safe list (safe-changes.ts) and no transform or macro runs. */
  SAFE: 'safe',
  /** Conditional replacements, transforms, and anything else not on the safe list. */
  REVIEW: 'review',
  /** Removals, certain replacements, IAM / security changes, Delete / Replace policy actions. */
  DANGEROUS: 'dangerous',
} as const;
export type ChangeRisk = (typeof ChangeRisk)[keyof typeof ChangeRisk];

/** One resource change, reduced to what a reviewer needs. */
export interface ResourceChangeSummary {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic' | 'SyncWithActual';
  readonly replacement: 'True' | 'False' | 'Conditional' | 'Never';
  readonly physicalId?: string;
  /** Property paths that change, e.g. `Properties.VisibilityTimeout`. */
  readonly properties: readonly string[];
  /** Why this change raised the risk, e.g. `removal`, `replacement`, `iam`. */
  readonly flags: readonly string[];
  /** Why this change is not on the safe list, naming the resource; absent when it is. */
  readonly unsafe?: string;
}

/** Counts and risk of a change set: what Slack, GitHub and the approval policy see. */
export interface ChangeSetSummary {
  readonly add: number;
  readonly modify: number;
  readonly remove: number;
  readonly replace: number;
  readonly conditionalReplace: number;
  /** Existing resources brought under the stack (`Import`). Absent in summaries written before it was counted. */
  readonly import?: number;
  /** Changes CloudFormation can only decide at execution (`Dynamic`). Absent in older summaries. */
  readonly dynamic?: number;
  /** Changes touching IAM or other security-sensitive resource types. */
  readonly security: number;
  readonly risk: ChangeRisk;
  readonly changes: readonly ResourceChangeSummary[];
  /** Transforms and macros the template runs (`Transform`, `Fn::Transform`); absent when none or unknown. */
  readonly transforms?: readonly string[];
  /**
   * Why the change set as a whole is not safe (the transforms it runs), one line each; each
   * resource change off the safe list says why in its own `unsafe`. Absent in summaries written
   * before the safe list, which are therefore never auto-approved.
   */
  readonly unsafe?: readonly string[];
}
