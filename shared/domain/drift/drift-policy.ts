/** What Converge does when a stack has drifted (`drift.mode` in converge.yaml). */
export const DriftMode = {
  /** Notify only. */
  REPORT: 'report',
  /** Propose a REVERT_DRIFT change set through the normal approval gate. */
  REVERT: 'revert',
  /** Revert without a human when the revert replaces and removes nothing. */
  REVERT_AUTO: 'revert-auto',
} as const;
export type DriftMode = (typeof DriftMode)[keyof typeof DriftMode];

/** A stack's drift policy, after defaults are merged. */
export interface DriftPolicy {
  readonly mode: DriftMode;
  /**
   * Differences to ignore: `<LogicalId>/Properties/<PropertyPath>` (e.g.
   * `Queue/Properties/VisibilityTimeout`), `*` matches one segment, a trailing `/**` matches
   * everything below. A rule of just `<LogicalId>` ignores that resource entirely.
   * Paths follow CloudFormation's `PropertyDifference.PropertyPath` (`/Tags/0/Value` is
   * `Queue/Properties/Tags/0/Value`); `Tags/**` also matches `/Tags` itself; `*` may stand for
   * the logical id. `parseIgnoreRule` reads and validates one rule.
   */
  readonly ignore: readonly string[];
}
