/** A drift `ignore` rule, split into segments (see `DriftPolicy.ignore`). */
export interface IgnoreRule {
  readonly text: string;
  /** Logical id, or `*` for every resource. */
  readonly logicalId: string;
  /** Segments below `Properties`; empty when the rule ignores the whole resource. */
  readonly property: readonly string[];
}

/** A parsed rule, or a message that says what is wrong and how to write it. */
export type IgnoreRuleResult =
  | { readonly ok: true; readonly rule: IgnoreRule }
  | { readonly ok: false; readonly message: string };

const EXAMPLES =
  'e.g. Queue, Queue/Properties/VisibilityTimeout, Queue/Properties/Tags/**, */Properties/Tags/**';

/**
 * Reads one drift ignore rule: `<LogicalId>` or `<LogicalId>/**` ignores a resource entirely;
 * `<LogicalId>/Properties/<Path>` ignores one property difference, where `*` matches one
 * segment (a list index or a key) and a trailing `**` matches the property and everything below.
 *
 * @example
 * ```ts
 * parseIgnoreRule('Queue/Properties/Tags/**'); // { ok: true, rule: { logicalId: 'Queue', property: ['Tags', '**'], ... } }
 * parseIgnoreRule('Queue/VisibilityTimeout'); // { ok: false, message: '... names Properties ...' }
 * ```
 */
export function parseIgnoreRule(text: string): IgnoreRuleResult {
  const fail = (why: string): IgnoreRuleResult => ({
    ok: false,
    message: `Drift ignore rule "${text}" ${why} (${EXAMPLES}).`,
  });
  const segments = text.trim().split('/');
  if (segments.some((s) => s === '')) return fail('has an empty segment');
  const [logicalId = '', ...rest] = segments;
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '**')) {
    return { ok: true, rule: { text, logicalId, property: [] } };
  }
  if (rest[0] !== 'Properties') return fail('must name Properties after the logical id');
  const property = rest.slice(1);
  if (property.length === 0) return fail('names no property; add one, or /** for every property');
  if (property.slice(0, -1).includes('**')) return fail('may use ** only as its last segment');
  if ([logicalId, ...property].some((s) => s.includes('*') && s !== '*' && s !== '**')) {
    return fail('may use * only as a whole segment');
  }
  return { ok: true, rule: { text, logicalId, property } };
}

/** Whether `rule` ignores the whole resource `logicalId`. */
export function ignoresResource(rule: IgnoreRule, logicalId: string): boolean {
  return rule.property.length === 0 && segmentMatches(rule.logicalId, logicalId);
}

/** Whether `rule` ignores the difference at `path` (`/Tags/0/Value`) on resource `logicalId`. */
export function ignoresDifference(rule: IgnoreRule, logicalId: string, path: string): boolean {
  if (rule.property.length === 0) return ignoresResource(rule, logicalId);
  if (!segmentMatches(rule.logicalId, logicalId)) return false;
  const actual = pointerSegments(path);
  const pattern = rule.property;
  const deep = pattern[pattern.length - 1] === '**';
  const fixed = deep ? pattern.slice(0, -1) : pattern;
  if (deep ? actual.length < fixed.length : actual.length !== fixed.length) return false;
  return fixed.every((segment, i) => segmentMatches(segment, actual[i] ?? ''));
}

/** JSON-pointer segments, unescaped (`~1` is `/`, `~0` is `~`). */
function pointerSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function segmentMatches(pattern: string, value: string): boolean {
  return pattern === '*' || pattern === value;
}
