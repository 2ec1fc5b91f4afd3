import { ChangeFlag } from './change-flag.ts';
import type { ChangeSetSummary, ResourceChangeSummary } from './change-set-summary.ts';

const SECURITY_WORDS: readonly (readonly [ChangeFlag, string])[] = [
  [ChangeFlag.IAM, 'IAM changes'],
  [ChangeFlag.NETWORK_SECURITY, 'security group / network ACL changes'],
  [ChangeFlag.KMS, 'KMS changes'],
  [ChangeFlag.RESOURCE_POLICY, 'resource policy changes'],
  [ChangeFlag.SECRETS, 'Secrets Manager changes'],
];

/** How many logical ids a line names before it says "+n more". */
const NAMED = 3;

/**
 * One short line for Slack and GitHub, e.g.
 * `2 to add, 1 to modify, 1 to replace (Queue), IAM changes`. Replacements, removals and
 * conditional replacements name their resources, because those are what a reviewer checks.
 *
 * @example
 * ```ts
 * describeChangeSetSummary(summarizeChangeSet(changes)); // 'no changes' for an empty change set
 * ```
 */
export function describeChangeSetSummary(summary: ChangeSetSummary): string {
  const { changes } = summary;
  const replaced = changes.filter((c) => c.action === 'Modify' && c.replacement === 'True');
  const maybe = changes.filter((c) => c.action === 'Modify' && c.replacement === 'Conditional');
  const removed = changes.filter((c) => c.action === 'Remove');
  const parts = [
    count(summary.add, 'to add'),
    count(summary.modify, 'to modify'),
    count(summary.replace, 'to replace', replaced),
    count(summary.conditionalReplace, 'may be replaced', maybe),
    count(summary.remove, 'to remove', removed),
    count(summary.import ?? 0, 'to import'),
    count(summary.dynamic ?? 0, 'decided at execution'),
    ...SECURITY_WORDS.filter(([flag]) => changes.some((c) => c.flags.includes(flag))).map(
      ([, words]) => words,
    ),
    summary.transforms?.length ? `runs ${summary.transforms.join(', ')}` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'no changes' : parts.join(', ');
}

function count(n: number, words: string, named: readonly ResourceChangeSummary[] = []): string {
  if (n === 0) return '';
  if (named.length === 0) return `${n} ${words}`;
  const ids = named.slice(0, NAMED).map((c) => c.logicalId);
  const more = named.length > NAMED ? `, +${named.length - NAMED} more` : '';
  return `${n} ${words} (${ids.join(', ')}${more})`;
}
