import type { CfnResourceChange, CfnResourceChangeDetail } from './change.ts';
import { ChangeFlag } from './change-flag.ts';
import { ChangeRisk, type ResourceChangeSummary } from './change-set-summary.ts';
import { securityFlagOf } from './security-flag-of.ts';
import { unsafeReasonOf } from './unsafe-reason-of.ts';

type Action = ResourceChangeSummary['action'];
type Replacement = ResourceChangeSummary['replacement'];

const ACTIONS: ReadonlySet<string> = new Set([
  'Add',
  'Modify',
  'Remove',
  'Import',
  'Dynamic',
  'SyncWithActual',
]);
const REPLACEMENTS: ReadonlySet<string> = new Set(['True', 'False', 'Conditional', 'Never']);

/** `ResourceTargetDefinition.Attribute` values; a `Target.Path` may start with one of them. */
const ATTRIBUTES: ReadonlySet<string> = new Set([
  'Properties',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Tags',
]);

const POLICY_FLAGS: Readonly<Record<string, ChangeFlag>> = {
  Delete: ChangeFlag.DELETES,
  ReplaceAndDelete: ChangeFlag.DELETES,
  Retain: ChangeFlag.RETAINS,
  ReplaceAndRetain: ChangeFlag.RETAINS,
  Snapshot: ChangeFlag.SNAPSHOTS,
  ReplaceAndSnapshot: ChangeFlag.SNAPSHOTS,
};

/** One resource change with the risk it brings on its own. */
export interface ClassifiedResourceChange {
  readonly change: ResourceChangeSummary;
  readonly risk: ChangeRisk;
}

/**
 * Reduces one CloudFormation `ResourceChange` to what a reviewer needs, and rates it:
 * removals, replacements (`Replacement: True`), security-sensitive types and custom resources
 * are dangerous; conditional replacements, `Dynamic` and `Import` actions, nested stacks, a
 * retained old resource and anything else off the safe list need review. Only a change on the
 * safe list is `safe`. `PolicyAction` adds a flag saying what happens to the old resource.
 */
export function summarizeResourceChange(rc: CfnResourceChange): ClassifiedResourceChange {
  const resourceType = rc.ResourceType ?? 'Unknown';
  const known = rc.Action !== undefined && ACTIONS.has(rc.Action);
  const action = (known ? rc.Action : 'Dynamic') as Action;
  const replacement = (
    rc.Replacement !== undefined && REPLACEMENTS.has(rc.Replacement) ? rc.Replacement : 'False'
  ) as Replacement;
  const flags: ChangeFlag[] = [];
  let risk: ChangeRisk = ChangeRisk.SAFE;
  const raise = (flag: ChangeFlag | undefined, to: ChangeRisk): void => {
    if (flag === undefined) return;
    if (!flags.includes(flag)) flags.push(flag);
    if (rank(to) > rank(risk)) risk = to;
  };

  if (!known) raise(ChangeFlag.UNKNOWN_ACTION, ChangeRisk.REVIEW);
  if (action === 'Remove') raise(ChangeFlag.REMOVAL, ChangeRisk.DANGEROUS);
  if (action === 'Dynamic' && known) raise(ChangeFlag.DYNAMIC, ChangeRisk.REVIEW);
  if (action === 'Import') raise(ChangeFlag.IMPORT, ChangeRisk.REVIEW);
  if (action === 'Modify' && replacement === 'True') raise(ChangeFlag.REPLACEMENT, ChangeRisk.DANGEROUS);
  if (action === 'Modify' && replacement === 'Conditional') {
    raise(ChangeFlag.CONDITIONAL_REPLACEMENT, ChangeRisk.REVIEW);
  }
  if (resourceType === 'AWS::CloudFormation::Stack' && action !== 'SyncWithActual') {
    raise(ChangeFlag.NESTED_STACK, ChangeRisk.REVIEW);
  }
  const policy = rc.PolicyAction === undefined ? undefined : POLICY_FLAGS[rc.PolicyAction];
  raise(policy, policy === ChangeFlag.RETAINS ? ChangeRisk.REVIEW : ChangeRisk.SAFE);
  if (action !== 'SyncWithActual') raise(securityFlagOf(resourceType), ChangeRisk.DANGEROUS);
  if (action !== 'SyncWithActual' && isCustomResource(resourceType)) {
    raise(ChangeFlag.CUSTOM_RESOURCE, ChangeRisk.DANGEROUS);
  }
  // The allow-list has the last word: a change it does not name is never safe.
  const unsafe = unsafeReasonOf(rc);
  if (unsafe !== undefined && risk === ChangeRisk.SAFE) raise(ChangeFlag.NOT_ON_SAFE_LIST, ChangeRisk.REVIEW);

  return {
    risk,
    change: {
      logicalId: rc.LogicalResourceId ?? '(unnamed)',
      resourceType,
      action,
      replacement,
      ...(rc.PhysicalResourceId ? { physicalId: rc.PhysicalResourceId } : {}),
      properties: propertyPaths(rc.Details ?? []),
      flags,
      ...(unsafe !== undefined ? { unsafe } : {}),
    },
  };
}

function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Orders risks so the highest wins. */
export function rank(risk: ChangeRisk): number {
  return risk === ChangeRisk.DANGEROUS ? 2 : risk === ChangeRisk.REVIEW ? 1 : 0;
}

/**
 * Changed paths, dotted and without duplicates: `Properties.VisibilityTimeout`, `Tags`,
 * `Metadata`. `Target.Path` (present with IncludePropertyValues) wins over `Target.Name`
 * because it names the nested property, e.g. `Properties.Tags.0.Value`.
 */
function propertyPaths(details: readonly CfnResourceChangeDetail[]): string[] {
  const paths = new Set<string>();
  for (const { Target: target } of details) {
    if (!target?.Attribute) continue;
    const fromPath = target.Path?.split('/').filter((segment) => segment !== '');
    if (fromPath && fromPath.length > 0) {
      const segments = ATTRIBUTES.has(fromPath[0] ?? '') ? fromPath : [target.Attribute, ...fromPath];
      paths.add(segments.join('.'));
    } else {
      paths.add(target.Name ? `${target.Attribute}.${target.Name}` : target.Attribute);
    }
  }
  return [...paths];
}
