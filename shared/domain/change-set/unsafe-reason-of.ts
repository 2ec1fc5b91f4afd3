import type { CfnResourceChange, CfnResourceChangeDetail } from './change.ts';
import { neverSafeKindOf } from './never-safe-kind-of.ts';
import { type SafeChange, safeChangeOf } from './safe-changes.ts';

/** Scope / Target attributes a safe modification may touch. */
const SAFE_ATTRIBUTES: ReadonlySet<string> = new Set(['Properties', 'Tags']);

/**
 * Why one CloudFormation `ResourceChange` is not on the safe list, or `undefined` when it is.
 * Safe means: an `Add` of a type the list marks addable, or a `Modify` with `Replacement: False`,
 * no `PolicyAction`, and details that are all `Evaluation: Static`, `RequiresRecreation: Never`
 * and name a property the list allows for the type. `SyncWithActual` (drift-aware change sets)
 * changes no resource and is safe. Everything else, and anything this function cannot read, is
 * unsafe: removals, replacements (True or Conditional), imports, dynamic actions, unknown types
 * and kinds that are never safe (see {@link neverSafeKindOf}).
 *
 * @example
 * ```ts
 * unsafeReasonOf({ Action: 'Add', LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function' });
 * // 'Fn (AWS::Lambda::Function) is added: Lambda code and configuration are never on the safe list'
 * ```
 */
export function unsafeReasonOf(rc: CfnResourceChange): string | undefined {
  const type = rc.ResourceType ?? 'an unknown type';
  const subject = `${rc.LogicalResourceId ?? '(unnamed)'} (${type})`;
  const action = rc.Action;
  if (action === 'SyncWithActual') return undefined;
  if (action === 'Remove') return `${subject} is removed: removals are never safe`;
  if (action !== 'Add' && action !== 'Modify') {
    return `${subject} has action ${action ?? '(none)'}: only adds and in-place modifications can be safe`;
  }
  const changed = [...new Set((rc.Details ?? []).map(nameOf))];
  const what =
    action === 'Add' ? 'is added' : changed.length > 0 ? `changes ${changed.join(', ')}` : 'changes';
  if (action === 'Modify' && rc.Replacement === 'True')
    return `${subject} is replaced: replacements are never safe`;
  if (action === 'Modify' && rc.Replacement !== 'False') {
    return `${subject} may be replaced (Replacement ${rc.Replacement ?? 'unknown'}): replacements are never safe`;
  }
  if (rc.PolicyAction !== undefined) {
    return `${subject} ${what} with PolicyAction ${rc.PolicyAction}: the old resource would be affected`;
  }
  const kind = neverSafeKindOf(type);
  if (kind) return `${subject} ${what}: ${kind} are never on the safe list`;
  const entry = rc.ResourceType === undefined ? undefined : safeChangeOf(rc.ResourceType);
  if (!entry) return `${subject} ${what}: ${type} is not on the safe list`;
  if (action === 'Add') {
    return entry.add ? undefined : `${subject} is added: adding ${type} is not on the safe list`;
  }
  return unsafeModification(subject, entry, rc);
}

/** The first part of an in-place modification that the type's safe-list entry does not allow. */
function unsafeModification(subject: string, entry: SafeChange, rc: CfnResourceChange): string | undefined {
  const details = rc.Details ?? [];
  const scope = (rc.Scope ?? []).find((attribute) => !SAFE_ATTRIBUTES.has(attribute));
  if (scope) return `${subject} changes its ${scope}: only properties and tags can change safely`;
  if (details.length === 0) return `${subject} changes without details: an unknown change is never safe`;
  for (const detail of details) {
    const target = detail.Target;
    const changed = nameOf(detail);
    if (detail.Evaluation !== 'Static') {
      return `${subject} ${changed} is decided at execution (Evaluation ${detail.Evaluation ?? 'unknown'}): dynamic changes are never safe`;
    }
    if (target?.RequiresRecreation !== 'Never') {
      return `${subject} ${changed} may recreate the resource (RequiresRecreation ${target?.RequiresRecreation ?? 'unknown'}): replacements are never safe`;
    }
    const property = propertyOf(detail);
    if (property === undefined || !entry.modify.includes(property)) {
      return `${subject} ${changed} changes: not on the safe list for ${entry.resourceType}`;
    }
  }
  return undefined;
}

/** What a reviewer calls the changed part: its property, else its attribute. */
function nameOf(detail: CfnResourceChangeDetail): string {
  return propertyOf(detail) ?? detail.Target?.Attribute ?? 'an unnamed attribute';
}

/**
 * The top-level property a detail changes: `Tags` for the Tags attribute, the Target's Name, or
 * the first segment after `/Properties/` of its Path. `undefined` for other attributes.
 */
function propertyOf({ Target: target }: CfnResourceChangeDetail): string | undefined {
  if (target?.Attribute === 'Tags') return 'Tags';
  if (target?.Attribute !== 'Properties') return undefined;
  if (target.Name) return target.Name;
  const [first, second] = (target.Path ?? '').split('/').filter((segment) => segment !== '');
  return first === 'Properties' ? second : undefined;
}
