import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { NotificationContext } from '../../ports/notifier.ts';
import { changeSummaryMarkdown, escapeMarkdown } from './change-summary-markdown.ts';
import { checkRunState } from './commit-check.ts';

/** GitHub's limit on a check run's `output.summary`, in characters. */
export const CHECK_SUMMARY_MAX = 65_535;
const TRUNCATED = '\n\n…(truncated)';

/**
 * A check run's `output`: the title of its state, and a Markdown summary with what happened,
 * why (a failure's reason), and what the change set would do (risk, adds, modifies, removes,
 * replacements, IAM / security, a table of resources), within GitHub's 65,535 characters. Pure.
 *
 * @example
 * await octokit.rest.checks.update({ owner, repo, check_run_id, output: checkRunOutput(d, ctx) });
 */
export function checkRunOutput(
  deployment: Deployment,
  context: NotificationContext,
): { readonly title: string; readonly summary: string } {
  const lines = [escapeMarkdown(context.event)];
  if (deployment.historyRewritten) {
    lines.push(
      '',
      `**History rewritten**: ${deployment.revision.slice(0, 7)} does not descend from ${deployment.historyRewritten.from.slice(0, 7)}; a person must approve it.`,
    );
  }
  if (deployment.waitingFor && deployment.waitingFor.length > 0) {
    const names = deployment.waitingFor.map((name) => `\`${escapeMarkdown(name)}\``).join(', ');
    lines.push('', `**Deploys after** ${names} at ${deployment.revision.slice(0, 7)}`);
  }
  if (deployment.reason) {
    lines.push('', `**${deployment.reason.code}**: ${escapeMarkdown(deployment.reason.message)}`);
  }
  const summary = deployment.changeSet?.summary;
  if (summary) lines.push('', ...changeSummaryMarkdown(summary));
  if (context.detailsUrl) lines.push('', `[Details](${context.detailsUrl})`);
  lines.push('', `Deployment \`${deployment.id}\``);
  const text = lines.join('\n');
  return {
    title: checkRunState(deployment).title,
    summary:
      text.length <= CHECK_SUMMARY_MAX
        ? text
        : `${text.slice(0, CHECK_SUMMARY_MAX - TRUNCATED.length)}${TRUNCATED}`,
  };
}
