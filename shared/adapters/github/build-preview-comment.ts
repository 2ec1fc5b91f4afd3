import { isSecurityFlag } from '../../domain/change-set/change-flag.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { NotificationContext } from '../../ports/notifier.ts';
import { checkRunState } from './commit-check.ts';

/** Every preview comment starts with this line; only comments that do are Converge's to edit. */
export const PREVIEW_MARKER = '<!-- converge:preview -->';

/** The second line: whose preview the comment is. */
export function stackMarker(stackKey: string): string {
  return `<!-- converge:stack=${stackKey.replaceAll('-->', '')} -->`;
}

/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;
const MAX_ROWS = 100;

/**
 * The Markdown of a stack's preview comment on a pull request: status, risk, counts, and a
 * table of resource changes with replacements and IAM / security changes marked. Pure.
 *
 * @example
 * await octokit.rest.issues.createComment({ owner, repo, issue_number, body: buildPreviewComment(d, ctx) });
 */
export function buildPreviewComment(
  deployment: Deployment,
  context: NotificationContext,
  options: { readonly webUrl?: string } = {},
): string {
  const webUrl = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const commit = `[\`${deployment.revision.slice(0, 7)}\`](${webUrl}/${deployment.repository}/commit/${deployment.revision})`;
  const lines = [
    PREVIEW_MARKER,
    stackMarker(deployment.stackKey),
    `### Converge preview: \`${cell(deployment.stack.stackName)}\` (${cell(deployment.stack.region)})`,
    '',
    `${checkRunState(deployment).title} at ${commit}. ${escapeMarkdown(context.event)}`,
  ];
  if (deployment.reason) lines.push('', `> ${escapeMarkdown(deployment.reason.message).slice(0, 2000)}`);

  const summary = deployment.changeSet?.summary;
  if (summary) {
    lines.push(
      '',
      `**Risk: ${summary.risk}** · ${summary.add} to add · ${summary.modify} to modify · ${summary.remove} to remove · ` +
        `${summary.replace} replaced${summary.conditionalReplace ? ` (+${summary.conditionalReplace} maybe)` : ''} · ` +
        `${summary.security} IAM / security`,
    );
    if (summary.changes.length > 0) {
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
          `| ${change.action} | \`${cell(change.logicalId)}\` | ${cell(change.resourceType)} | ${replacement} | ${notes.join(', ')} |`,
        );
      }
      if (summary.changes.length > MAX_ROWS)
        lines.push('', `…and ${summary.changes.length - MAX_ROWS} more.`);
      lines.push('', '</details>');
    }
  }
  if (context.detailsUrl) lines.push('', `[Details](${context.detailsUrl})`);
  lines.push('', '<sub>Updated on every push to this pull request; removed when it closes.</sub>');
  const body = lines.join('\n');
  return body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY)}\n\n…(truncated)`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

function cell(text: string): string {
  return escapeMarkdown(text).replaceAll('|', '\\|').replaceAll('`', "'").replace(/\s+/g, ' ');
}
