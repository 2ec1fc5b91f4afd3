import { configurationHeadline, formatConfigurationIssue } from '../../domain/config/configuration-error.ts';
import type { ConfigurationProblems } from '../../ports/notifier.ts';

/** GitHub's limit on a check run's `output.summary`, in characters. */
const SUMMARY_MAX = 65_535;

/**
 * The check run name for a revision's configuration: one per commit, beside the
 * `converge/<stack>` checks of the stacks it plans (none, while it has problems).
 */
export const CONFIGURATION_CHECK_NAME = 'converge';

/** A completed, failed check run that lists every problem of a pushed revision's configuration. */
export interface ConfigurationCheck {
  readonly name: string;
  readonly headSha: string;
  readonly title: string;
  /** Markdown: every problem as `file:line:col path: message`, and what to do. */
  readonly summary: string;
}

/**
 * The check run for a revision whose configuration cannot be used: conclusion `failure`, title
 * `converge.yaml has N problems`, every problem in the summary.
 *
 * @example
 * const check = buildConfigurationCheck(problems);
 * await octokit.rest.checks.create({ owner, repo, name: check.name, head_sha: check.headSha, status: 'completed', conclusion: 'failure', output: { title: check.title, summary: check.summary } });
 */
export function buildConfigurationCheck(problems: ConfigurationProblems): ConfigurationCheck {
  const branch = problems.ref.replace(/^refs\/heads\//, '');
  const what =
    problems.pullRequest === undefined
      ? `planned on \`${branch}\``
      : `previewed on pull request #${problems.pullRequest}`;
  const head = `Nothing from this commit is ${what} until these are fixed (\`converge validate\` finds them before a push):`;
  const lines = problems.issues.map(
    (issue) => `- \`${formatConfigurationIssue(issue).replaceAll('`', "'")}\``,
  );
  let summary = [head, '', ...lines].join('\n');
  if (summary.length > SUMMARY_MAX) {
    const more = '\n- … more than fit here: run `converge validate` in the repository.';
    summary = summary.slice(0, summary.lastIndexOf('\n', SUMMARY_MAX - more.length)) + more;
  }
  return {
    name: CONFIGURATION_CHECK_NAME,
    headSha: problems.revision,
    title: configurationHeadline(problems.file, problems.issues),
    summary,
  };
}
