import { DriftIgnoreRuleInvalidError } from './drift-ignore-rule-invalid-error.ts';
import type { DriftReport, IgnoredDrift, ResourceDriftReport } from './drift-report.ts';
import { ResourceDriftStatus } from './drift-report.ts';
import { type IgnoreRule, ignoresDifference, ignoresResource, parseIgnoreRule } from './parse-ignore-rule.ts';

/**
 * Leaves out what a stack's drift policy says to ignore, and records each omission in
 * `ignored` so nothing disappears silently. A MODIFIED resource whose every difference is
 * ignored becomes IN_SYNC; a resource ignored entirely leaves `resources`. Applying the same
 * rules twice changes nothing more.
 *
 * @throws DriftIgnoreRuleInvalidError when a rule cannot be read (configuration should have
 *   refused it with `parseIgnoreRule` first); the report is left as it was.
 *
 * @example
 * ```ts
 * const report = applyIgnoreRules(detected, ['Queue/Properties/VisibilityTimeout', 'Dashboard']);
 * report.ignored; // [{ logicalId: 'Queue', path: '/VisibilityTimeout', rule: 'Queue/Properties/VisibilityTimeout' }, ...]
 * ```
 */
export function applyIgnoreRules(report: DriftReport, ignore: readonly string[]): DriftReport {
  const rules = ignore.map(readRule);
  const ignored: IgnoredDrift[] = [...(report.ignored ?? [])];
  const resources: ResourceDriftReport[] = [];

  for (const resource of report.resources) {
    const whole = rules.find((rule) => ignoresResource(rule, resource.logicalId));
    if (whole) {
      ignored.push({ logicalId: resource.logicalId, rule: whole.text });
      continue;
    }
    const kept = resource.differences.filter((difference) => {
      const rule = rules.find((r) => ignoresDifference(r, resource.logicalId, difference.path));
      if (rule) ignored.push({ logicalId: resource.logicalId, path: difference.path, rule: rule.text });
      return !rule;
    });
    if (kept.length === resource.differences.length) {
      resources.push(resource);
      continue;
    }
    const allIgnored = kept.length === 0 && resource.status === ResourceDriftStatus.MODIFIED;
    resources.push({
      ...resource,
      differences: kept,
      ...(allIgnored ? { status: ResourceDriftStatus.IN_SYNC } : {}),
    });
  }

  return { ...report, resources, ignored };
}

function readRule(text: string): IgnoreRule {
  const parsed = parseIgnoreRule(text);
  if (!parsed.ok) throw new DriftIgnoreRuleInvalidError(parsed.message);
  return parsed.rule;
}
