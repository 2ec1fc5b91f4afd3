/**
 * Named reasons a deployment ends the way it did (`Reason.code`). One vocabulary for the
 * store, logs, metrics, Slack and GitHub: alarms and dashboards group by these codes.
 *
 * @example
 * ```ts
 * const reason: Reason = { code: ReasonCode.TEMPLATE_INVALID, message: 'Template format error: ...' };
 * ```
 */
export const ReasonCode = {
  /** CloudFormation rejected the template (syntax, unknown resource type, bad reference). */
  TEMPLATE_INVALID: 'TemplateInvalid',
  /** The template or parameters file named in converge.yaml is missing at the revision. */
  TEMPLATE_NOT_FOUND: 'TemplateNotFound',
  /** Parameters do not match the template (missing, unknown, wrong type). */
  PARAMETERS_INVALID: 'ParametersInvalid',
  /** The template needs CAPABILITY_IAM / CAPABILITY_NAMED_IAM / CAPABILITY_AUTO_EXPAND not granted. */
  INSUFFICIENT_CAPABILITIES: 'InsufficientCapabilities',
  /** CreateChangeSet failed, or the change set ended FAILED for a reason other than "no changes". */
  CHANGE_SET_FAILED: 'ChangeSetFailed',
  /** The stack is in a status that cannot be updated (e.g. UPDATE_ROLLBACK_FAILED). */
  STACK_NOT_UPDATABLE: 'StackNotUpdatable',
  /** Converge or CloudFormation was not allowed to do what the deployment needs. */
  ACCESS_DENIED: 'AccessDenied',
  /** ExecuteChangeSet was refused or the execution failed before CloudFormation rolled back. */
  EXECUTION_FAILED: 'ExecutionFailed',
  /** The update failed and CloudFormation rolled the stack back to its previous state. */
  ROLLED_BACK: 'RolledBack',
  /** The change set is no longer executable (OBSOLETE, deleted, or the stack changed since). */
  CHANGE_SET_OBSOLETE: 'ChangeSetObsolete',
  /** Nobody approved before `expiresAt`. */
  APPROVAL_EXPIRED: 'ApprovalExpired',
  /** An allowed approver rejected the change set. */
  REJECTED: 'Rejected',
  /** A newer revision of the same stack was planned; this one will never execute. */
  NEWER_REVISION: 'NewerRevision',
  /**
   * The revision is an ancestor, in Git history, of one the stack already has or will have (a
   * late or replayed push): it is recorded, never planned.
   */
  STALE_REVISION: 'StaleRevision',
  /** Another execution holds the stack lock. */
  STACK_BUSY: 'StackBusy',
  /** converge.yaml at the revision does not parse or validate. */
  CONFIGURATION_INVALID: 'ConfigurationInvalid',
  /** The stack is not in converge.yaml at the revision. */
  STACK_NOT_CONFIGURED: 'StackNotConfigured',
  /** CloudFormation was still computing the change set when Converge stopped waiting. */
  CHANGE_SET_TIMEOUT: 'ChangeSetTimeout',
  /**
   * Planning never finished: its job failed again and again until the reconciler gave the
   * deployment up. Nothing is known about the change set (it may never have been asked for).
   */
  PLANNING_ABANDONED: 'PlanningAbandoned',
  /** An APPROVED deployment had no approval naming it and its change set: it never executes. */
  APPROVAL_MISSING: 'ApprovalMissing',
  /** The stack no longer exists while its deployment was executing. */
  STACK_DISAPPEARED: 'StackDisappeared',
  /** The pull request a preview belongs to was closed. */
  PULL_REQUEST_CLOSED: 'PullRequestClosed',
  /** The control-plane policy does not let the repository manage the stack (its globs, or a protected stack). */
  STACK_NOT_PERMITTED: 'StackNotPermitted',
  /** The stack names an account the control-plane policy does not list under `accounts`. */
  ACCOUNT_NOT_PERMITTED: 'AccountNotPermitted',
  /** Another repository owns the stack: the first whose deployment of it was planned. */
  STACK_OWNED_ELSEWHERE: 'StackOwnedElsewhere',
  /** The stack exists but Converge never deployed it, and the policy does not allow adopting it. */
  STACK_NOT_MANAGED: 'StackNotManaged',
  /** The trusted approval rule (converge.yaml at the last applied revision) could not be read. */
  TRUSTED_RULE_UNREADABLE: 'TrustedRuleUnreadable',
  /** A pull request from a fork, and the policy does not preview forks (or names no preview role). */
  FORK_NOT_ALLOWED: 'ForkNotAllowed',
  /** A deletion of a stack with termination protection (in CloudFormation or in converge.yaml): refused. */
  STACK_PROTECTED: 'StackProtected',
  /** A dependency's deployment at the same revision failed, was rejected or never ran: this one stops. */
  DEPENDENCY_FAILED: 'DependencyFailed',
  /** A `fromStack` parameter names an output the dependency's live stack does not have. */
  OUTPUT_NOT_FOUND: 'OutputNotFound',
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** Whether `value` is one of the named {@link ReasonCode}s. */
export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (Object.values(ReasonCode) as string[]).includes(value);
}
