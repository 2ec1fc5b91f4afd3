/**
 * The trusted approval rule (converge.yaml at the stack's last applied revision) could not be
 * read. Retryable: the plan job fails and comes back after the visibility timeout; a plan never
 * falls back to a weaker rule. After the wait bound the plan fails with `TrustedRuleUnreadable`.
 */
export class TrustedRuleUnreadableError extends Error {
  constructor(
    readonly stackKey: string,
    readonly revision: string,
    detail: string,
  ) {
    super(
      `The trusted converge.yaml of ${stackKey} (at ${revision.slice(0, 12)}, its last applied revision) could not be read (${detail}); the plan waits and is retried. Check that the repository is reachable.`,
    );
    this.name = 'TrustedRuleUnreadableError';
  }
}
