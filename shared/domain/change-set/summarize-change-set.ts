import type { CfnChange } from './change.ts';
import { isSecurityFlag } from './change-flag.ts';
import { ChangeRisk, type ChangeSetSummary, type ResourceChangeSummary } from './change-set-summary.ts';
import { rank, summarizeResourceChange } from './summarize-resource-change.ts';

/** What a change set's changes do not say: the template it was made from. */
export interface ChangeSetContext {
  /** Transforms and macros of the template (see `templateTransforms`); any makes the change set unsafe. */
  readonly transforms?: readonly string[];
}

/**
 * Counts and rates the changes of a change set (DescribeChangeSet `Changes`, all pages).
 * A change set's risk is the highest risk of its resource changes, at least `review` when its
 * template runs a transform or macro; an empty one is `safe`. Each resource change off the safe
 * list carries why in `unsafe`, naming it; the summary's own `unsafe` names the transforms.
 *
 * Counting: `Add` → add; `Modify` → replace (`Replacement: True`), conditionalReplace
 * (`Conditional`) or modify; `Remove` → remove; `Import` → import; `Dynamic` → dynamic.
 * `SyncWithActual` (drift-aware change sets) changes nothing and is listed, not counted.
 *
 * @example
 * ```ts
 * const { changes } = await stacks.describeChangeSet(stack, changeSetId);
 * const summary = summarizeChangeSet(changes);
 * summary.risk; // 'dangerous' when anything is removed, replaced or touches IAM
 * ```
 */
export function summarizeChangeSet(
  changes: readonly CfnChange[],
  context: ChangeSetContext = {},
): ChangeSetSummary {
  const counts = { add: 0, modify: 0, remove: 0, replace: 0, conditionalReplace: 0, import: 0, dynamic: 0 };
  const summaries: ResourceChangeSummary[] = [];
  let risk: ChangeRisk = ChangeRisk.SAFE;
  let security = 0;

  for (const { Type: type, ResourceChange: resourceChange } of changes) {
    if (!resourceChange || (type !== undefined && type !== 'Resource')) continue;
    const classified = summarizeResourceChange(resourceChange);
    const { change } = classified;
    summaries.push(change);
    if (rank(classified.risk) > rank(risk)) risk = classified.risk;
    if (change.flags.some(isSecurityFlag)) security += 1;
    const counter = counterOf(change);
    if (counter) counts[counter] += 1;
  }

  const transforms = context.transforms ?? [];
  if (transforms.length > 0 && rank(risk) < rank(ChangeRisk.REVIEW)) risk = ChangeRisk.REVIEW;
  const unsafe = transforms.map(
    (name) => `the template runs transform ${name}: macros and transforms are never on the safe list`,
  );
  return {
    ...counts,
    security,
    risk,
    changes: summaries,
    ...(transforms.length > 0 ? { transforms } : {}),
    unsafe,
  };
}

function counterOf(
  change: ResourceChangeSummary,
): 'add' | 'modify' | 'remove' | 'replace' | 'conditionalReplace' | 'import' | 'dynamic' | undefined {
  switch (change.action) {
    case 'Add':
      return 'add';
    case 'Remove':
      return 'remove';
    case 'Import':
      return 'import';
    case 'Dynamic':
      return 'dynamic';
    case 'Modify':
      if (change.replacement === 'True') return 'replace';
      return change.replacement === 'Conditional' ? 'conditionalReplace' : 'modify';
    default:
      return undefined;
  }
}
