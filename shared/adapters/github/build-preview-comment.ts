import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { NotificationContext } from '../../ports/notifier.ts';
import { changeSummaryMarkdown, escapeMarkdown, markdownCell } from './change-summary-markdown.ts';
import { checkRunState } from './commit-check.ts';

/** Every preview comment starts with this line; only comments that do are Converge's to edit. */
export const PREVIEW_MARKER = '<!-- converge:preview -->';

/** The second line: whose preview the comment is. */
export function stackMarker(stackKey: string): string {
  return `<!-- converge:stack=${stackKey.replaceAll('-->', '')} -->`;
}

/** GitHub refuses comment bodies over 65,536 characters. */
const MAX_BODY = 65_000;

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
    `### Converge preview: \`${markdownCell(deployment.stack.stackName)}\` (${markdownCell(deployment.stack.region)})`,
    '',
    `${checkRunState(deployment).title} at ${commit}. ${escapeMarkdown(context.event)}`,
  ];
  if (deployment.reason) lines.push('', `> ${escapeMarkdown(deployment.reason.message).slice(0, 2000)}`);

  const summary = deployment.changeSet?.summary;
  if (summary) lines.push('', ...changeSummaryMarkdown(summary));
  if (context.detailsUrl) lines.push('', `[Details](${context.detailsUrl})`);
  lines.push('', '<sub>Updated on every push to this pull request; removed when it closes.</sub>');
  const body = lines.join('\n');
  return body.length <= MAX_BODY ? body : `${body.slice(0, MAX_BODY)}\n\n…(truncated)`;
}
