/** What a stack name may hold in CloudFormation: letters, digits and hyphens. */
const STACK_NAME_GLOB = /^[A-Za-z0-9*?-]+$/;

/** Stack-name globs as IAM ARN patterns, and whether the translation is exact. */
export interface IamStackPatterns {
  /**
   * Patterns for the stack-name part of a stack ARN: the globs themselves when IAM can express
   * every one of them, otherwise `*` (any stack), which is wider than the globs.
   */
  readonly patterns: readonly string[];
  /** Whether `patterns` match exactly the names the globs match. */
  readonly exact: boolean;
  /** The globs IAM can express exactly, whatever the others are. */
  readonly expressible: readonly string[];
}

/**
 * Translates the policy's stack-name globs (picomatch) into IAM ARN patterns. IAM knows only `*`
 * and `?`, which mean what they mean in a glob for a stack name (names hold no `/`); a glob with
 * braces, classes or negation cannot be written in IAM, so the grant widens to every stack and
 * the use cases alone keep the narrower rule (docs/security.md).
 *
 * @example
 * iamStackPatterns(['app-*', 'network-prod']); // { patterns: ['app-*', 'network-prod'], exact: true, ... }
 * iamStackPatterns(['app-{a,b}']);             // { patterns: ['*'], exact: false, expressible: [] }
 */
export function iamStackPatterns(globs: readonly string[]): IamStackPatterns {
  const expressible = [
    ...new Set(globs.map((glob) => glob.replace(/\*+/g, '*')).filter((glob) => STACK_NAME_GLOB.test(glob))),
  ].sort();
  const exact = expressible.length === new Set(globs).size && globs.length > 0;
  if (!exact || expressible.includes('*')) return { patterns: ['*'], exact, expressible };
  return { patterns: expressible, exact, expressible };
}
