import { isSecurityFlag } from '../../domain/change-set/change-flag.ts';
import type { ChangeSetSummary } from '../../domain/change-set/change-set-summary.ts';

const MAX_ROWS = 100;

/**
 * What a change set would do, in GitHub Markdown: the risk and counts line (adds, modifies,
 * removes, replacements, IAM / security), then a table of resource changes with replacements and
 * security changes marked, open unless the change is safe. Shared by the preview comment and the
 * check run summary, so both say the same. Pure; text from the repository is escaped.
 *
 * @example
 * const lines = changeSummaryMarkdown(deployment.changeSet.summary);
 */
export function changeSummaryMarkdown(summary: ChangeSetSummary): string[] {
  const lines = [
    `**Risk: ${summary.risk}** · ${summary.add} to add · ${summary.modify} to modify · ${summary.remove} to remove · ` +
      `${summary.replace} replaced${summary.conditionalReplace ? ` (+${summary.conditionalReplace} maybe)` : ''} · ` +
      `${summary.security} IAM / security`,
  ];
  if (summary.changes.length === 0) return lines;
  lines.push(
    '',
    `<details${summary.risk === 'safe' ? '' : ' open'}><summary>${summary.changes.length} resource changes</summary>`,
    '',
    '| Action | Resource | Type | Replacement | Notes |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const change of summary.changes.slice(0, MAX_ROWS)) {
    const notes = change.flags.map((flag) => (isSecurityFlag(flag) ? `**${flag}**` : flag));
    const replacement =
      change.replacement === 'True' ? '**yes**' : change.replacement === 'Conditional' ? 'maybe' : '';
    lines.push(
      `| ${change.action} | \`${markdownCell(change.logicalId)}\` | ${markdownCell(change.resourceType)} | ${replacement} | ${notes.join(', ')} |`,
    );
  }
  if (summary.changes.length > MAX_ROWS) lines.push('', `…and ${summary.changes.length - MAX_ROWS} more.`);
  lines.push('', '</details>');
  return lines;
}

/** Text from the repository made inert in Markdown and HTML: no tags. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

/** Text for one table cell: escaped, no pipes, backticks or line breaks. */
export function markdownCell(text: string): string {
  return escapeMarkdown(text).replaceAll('|', '\\|').replaceAll('`', "'").replace(/\s+/g, ' ');
}
