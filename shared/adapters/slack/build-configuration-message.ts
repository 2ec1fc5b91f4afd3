import { configurationHeadline, formatConfigurationIssue } from '../../domain/config/configuration-error.ts';
import type { ConfigurationProblems } from '../../ports/notifier.ts';
import { escapeMrkdwn, type SlackBlock, type SlackMessage, truncate } from './slack-blocks.ts';

const SECTION_MAX = 3000;
/** Slack allows 50 blocks; the header, the context and a "more" line need three. */
const MAX_SECTIONS = 40;

/**
 * The Slack message for a pushed revision whose configuration cannot be used: a header with the
 * count, every problem as `file:line:col path: message` (as many sections as they need), and
 * which repository, commit and branch plan nothing until they are fixed.
 *
 * @example
 * const { text, blocks } = buildConfigurationMessage(problems);
 */
export function buildConfigurationMessage(problems: ConfigurationProblems): SlackMessage {
  const headline = configurationHeadline(problems.file, problems.issues);
  const where = `${problems.repository}@${problems.revision.slice(0, 7)} (${problems.ref.replace(/^refs\/heads\//, '')})`;
  const lines = problems.issues.map((issue) => {
    const [location, ...rest] = formatConfigurationIssue(issue).split(' ');
    return `• \`${escapeMrkdwn(location ?? '')}\` ${escapeMrkdwn(rest.join(' '))}`;
  });
  const sections: string[] = [];
  for (const line of lines) {
    const last = sections.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= SECTION_MAX)
      sections[sections.length - 1] = `${last}\n${line}`;
    else sections.push(truncate(line, SECTION_MAX));
  }
  const shown = sections.slice(0, MAX_SECTIONS);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline, 150) } },
    ...shown.map((text): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (sections.length > shown.length) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'More problems than fit here: run `converge validate` in the repository.',
      },
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(
          `Nothing from ${escapeMrkdwn(where)} is planned until they are fixed; \`converge validate\` finds them before a push.`,
          SECTION_MAX,
        ),
      },
    ],
  });
  return { text: `${headline} at ${where}; nothing is planned`, blocks };
}
