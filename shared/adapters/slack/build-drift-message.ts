import { isDrifted, isUnchecked } from '../../domain/drift/drift-report.ts';
import type { DriftRecord } from '../../domain/drift/drift-sweep.ts';
import { escapeMrkdwn, type SlackBlock, type SlackMessage, truncate } from './slack-blocks.ts';

const SECTION_MAX = 3000;
const MAX_RESOURCES = 10;
const MAX_DIFFERENCES = 5;
const VALUE_MAX = 120;

/**
 * The Slack message for drift a sweep found and only reports (or could not check): which
 * resources drifted, each property's path with the template's and the live value, what was not
 * checked, what ignore rules left out, and why nothing is reverted.
 *
 * @example
 * const { text, blocks } = buildDriftMessage(record);
 */
export function buildDriftMessage(record: DriftRecord): SlackMessage {
  const { report } = record;
  const stack = `${report.stack.stackName} (${report.stack.region})`;
  const drifted = report.resources.filter((r) => isDrifted(r.status));
  const unchecked = report.resources.filter((r) => isUnchecked(r.status));
  const failed = report.detectionStatus === 'DETECTION_FAILED';
  const headline = failed ? `Drift detection failed on ${stack}` : `Drift on ${stack}`;

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(headline, 150) } },
  ];
  if (drifted.length > 0) {
    const lines = drifted.slice(0, MAX_RESOURCES).map((resource) => {
      const head = `• \`${escapeMrkdwn(resource.logicalId)}\` ${escapeMrkdwn(resource.resourceType)}: *${resource.status}*`;
      const differences = resource.differences
        .slice(0, MAX_DIFFERENCES)
        .map(
          (d) =>
            `    \`${escapeMrkdwn(d.path)}\` template ${escapeMrkdwn(truncate(d.expected, VALUE_MAX))} → live ${escapeMrkdwn(truncate(d.actual, VALUE_MAX))}`,
        );
      const more =
        resource.differences.length > MAX_DIFFERENCES
          ? [`    …and ${resource.differences.length - MAX_DIFFERENCES} more`]
          : [];
      return [head, ...differences, ...more].join('\n');
    });
    if (drifted.length > MAX_RESOURCES) lines.push(`…and ${drifted.length - MAX_RESOURCES} more resources`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_MAX) } });
  }
  if (unchecked.length > 0) {
    const names = unchecked.map((r) => `\`${escapeMrkdwn(r.logicalId)}\``).join(', ');
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Not checked:* ${names}`, SECTION_MAX) },
    });
  }
  if (report.ignored && report.ignored.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(
            `Ignored by policy: ${report.ignored.map((i) => escapeMrkdwn(i.rule)).join(', ')}`,
            SECTION_MAX,
          ),
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(
          `${escapeMrkdwn(record.why)} · policy \`${record.policy.mode}\` · ${escapeMrkdwn(record.repository)}@${record.revision.slice(0, 7)}`,
          SECTION_MAX,
        ),
      },
    ],
  });
  const text = failed ? headline : `${headline}: ${drifted.length} resource(s) drifted`;
  return { text, blocks };
}
