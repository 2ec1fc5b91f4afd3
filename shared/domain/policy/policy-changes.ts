import type { ApprovalRequirement } from '../approval/approval.ts';
import type { Configuration, StackConfig } from '../config/stack-config.ts';
import { stricterRequirement } from './control-plane-policy.ts';

/**
 * What a revision's configuration changes, for one stack, in what governs trust: the stack's
 * approval rule, drift policy, deploy windows, service role and capabilities, `onRemove`, termination
 * protection turned off, the `people:` who count once, and
 * which stacks exist. Each entry is a line for people ("approval of app: required 1 → 0").
 * An empty list means the revision changes none of it: it is not a policy change.
 *
 * @example
 * policyChanges(trusted, next, 'app-prod'); // ['approval of app-prod: required 1 → 0']
 */
export function policyChanges(trusted: Configuration, next: Configuration, stackName: string): string[] {
  const changes: string[] = [];
  const before = trusted.stacks.find((stack) => stack.name === stackName);
  const after = next.stacks.find((stack) => stack.name === stackName);
  if (before && after) changes.push(...stackChanges(before, after));

  // Which stacks exist.
  const names = (configuration: Configuration) => new Set(configuration.stacks.map((stack) => stack.name));
  const was = names(trusted);
  const is = names(next);
  const added = [...is].filter((name) => !was.has(name));
  const removed = [...was].filter((name) => !is.has(name));
  if (added.length > 0) changes.push(`stacks added: ${added.join(', ')}`);
  if (removed.length > 0) changes.push(`stacks removed: ${removed.join(', ')}`);

  // Who counts as one person.
  if (canonical(trusted.people ?? {}) !== canonical(next.people ?? {})) changes.push('people changed');
  return changes;
}

function stackChanges(before: StackConfig, after: StackConfig): string[] {
  const changes: string[] = [];
  const a = before.approval;
  const d = before.drift;
  for (const field of ['required', 'autoApprove', 'allowSelfApproval', 'ttlSeconds'] as const) {
    if (a[field] !== after.approval[field]) {
      changes.push(
        `approval of ${before.name}: ${field} ${String(a[field])} → ${String(after.approval[field])}`,
      );
    }
  }
  if (canonical(a.approvers) !== canonical(after.approval.approvers)) {
    changes.push(
      `approval of ${before.name}: approvers ${list(a.approvers)} → ${list(after.approval.approvers)}`,
    );
  }
  if (canonical(a.people ?? {}) !== canonical(after.approval.people ?? {})) {
    changes.push(`approval of ${before.name}: people changed`);
  }
  if (d.mode !== after.drift.mode)
    changes.push(`drift of ${before.name}: mode ${d.mode} → ${after.drift.mode}`);
  if (canonical(d.ignore) !== canonical(after.drift.ignore)) {
    changes.push(`drift of ${before.name}: ignore ${list(d.ignore)} → ${list(after.drift.ignore)}`);
  }
  if ((before.onRemove ?? 'release') !== (after.onRemove ?? 'release')) {
    changes.push(
      `onRemove of ${before.name}: ${before.onRemove ?? 'release'} → ${after.onRemove ?? 'release'}`,
    );
  }
  // Turning termination protection off weakens what guards the stack from deletion; turning it on does not.
  if (before.terminationProtection === true && after.terminationProtection !== true) {
    changes.push(
      `terminationProtection of ${before.name}: true → ${String(after.terminationProtection ?? 'removed')}`,
    );
  }
  if (before.roleArn !== after.roleArn) {
    changes.push(`role of ${before.name}: ${before.roleArn ?? 'default'} → ${after.roleArn ?? 'default'}`);
  }
  if (canonical(before.windows ?? []) !== canonical(after.windows ?? [])) {
    changes.push(`windows of ${before.name} changed`);
  }
  if (canonical(before.capabilities) !== canonical(after.capabilities)) {
    changes.push(
      `capabilities of ${before.name}: ${list(before.capabilities)} → ${list(after.capabilities)}`,
    );
  }
  return changes;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.join(', ');
}

/** A comparable form: arrays as sorted sets, objects with sorted keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return JSON.stringify([...value].map(canonical).sort());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1));
    return JSON.stringify(entries.map(([key, inner]) => [key, canonical(inner)]));
  }
  return JSON.stringify(value);
}

/**
 * The rule a policy change is approved under: the stricter of the trusted rule (already held to
 * the policy) and the floor, never auto-approved. The floor names no approvers, so the trusted
 * rule's approvers (the people the old rule trusts) are the ones who approve.
 */
export function policyChangeRequirement(held: ApprovalRequirement, floor: number): ApprovalRequirement {
  return stricterRequirement(held, {
    required: Math.max(1, floor),
    approvers: [],
    allowSelfApproval: false,
    autoApprove: 'never',
    ttlSeconds: held.ttlSeconds,
  });
}
