/**
 * An approver identity is `<provider>:<id>`: `slack:U0123`, `github:alice`, `cli:alice`,
 * `aws:<principal ARN>` (the caller of `converge approve` against AWS).
 * Slack users and GitHub users map onto these through configuration.
 */
export type ApproverIdentity = `${'slack' | 'github' | 'cli' | 'aws' | 'policy'}:${string}`;

/** The approval rule a deployment must satisfy, copied from trusted configuration at plan time. */
export interface ApprovalRequirement {
  /** Distinct approvals needed. 0 means none (auto). */
  readonly required: number;
  /** Who may approve; empty means anybody the gate accepts. */
  readonly approvers: readonly ApproverIdentity[];
  /** Whether the author of the change may approve it. */
  readonly allowSelfApproval: boolean;
  /** `safe`: changes of risk `safe` need no human; `never`: always ask; `always`: never ask. */
  readonly autoApprove: 'safe' | 'never' | 'always';
  /** How long an approval request stays open, in seconds. */
  readonly ttlSeconds: number;
  /**
   * People and their identities (`people:` in the same trusted converge.yaml as this rule): one
   * person's votes count once. See `buildApproverAliases`.
   */
  readonly people?: Readonly<Record<string, readonly string[]>>;
}

/** One vote on one deployment, bound to its change set. */
export interface Approval {
  readonly deploymentId: string;
  /** The change set the approver saw: an approval never carries over to another one. */
  readonly changeSetId: string;
  readonly approver: ApproverIdentity;
  readonly decision: 'approve' | 'reject';
  readonly at: string;
  /** `policy`: the trusted approval policy auto-approved a change set it deems safe. */
  readonly via: 'slack' | 'github' | 'cli' | 'policy';
  readonly comment?: string;
}
