import { isSecurityFlag } from '../../domain/change-set/change-flag.ts';
import type { ResourceChangeSummary } from '../../domain/change-set/change-set-summary.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import type { NotificationContext } from '../../ports/notifier.ts';
import type { ResourceDrift } from '../../ports/stacks.ts';
import { encodeButtonValue, SlackActionId } from './slack-action.ts';
import {
  escapeMrkdwn,
  type SlackBlock,
  type SlackMessage,
  type SlackText,
  truncate,
} from './slack-blocks.ts';

export interface ApprovalMessageOptions {
  /** Web address of GitHub (or GitHub Enterprise Server), for commit links. */
  readonly webUrl?: string;
  /** How many resources each call-out lists before "and N more". */
  readonly maxListed?: number;
}

const STATUS_LINE: Readonly<Record<DeploymentStatus, string>> = {
  PLANNING: ':hourglass_flowing_sand: Planning',
  AWAITING_DEPENDENCIES: ':link: Waiting for its dependencies to deploy',
  NO_CHANGES: ':white_check_mark: No changes: the stack already matches',
  PLAN_FAILED: ':x: Plan failed',
  AWAITING_APPROVAL: ':raised_hand: Awaiting approval',
  APPROVED: ':thumbsup: Approved',
  EXECUTING: ':gear: Executing',
  SUCCEEDED: ':white_check_mark: Succeeded',
  FAILED: ':x: Failed (rolled back)',
  REJECTED: ':no_entry: Rejected',
  EXPIRED: ':hourglass: Expired without approval',
  SUPERSEDED: ':fast_forward: Superseded by a newer revision',
};

const KIND_LABEL: Readonly<Record<DeploymentKind, string>> = {
  deploy: 'Deploy',
  preview: 'Preview',
  'revert-drift': 'Drift revert',
  delete: 'Stack deletion',
};

/** Slack's limits: section text 3,000 characters, header 150, at most 50 blocks. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

/**
 * The Slack message for a deployment: stack, revision (short SHA linking to the commit), author,
 * what changes (removals, replacements and IAM / security changes called out), drift details for
 * a drift revert, the status line, and Approve / Reject buttons only while approval is awaited.
 * Pure: the same deployment and context always give the same message.
 *
 * @example
 * const { text, blocks } = buildApprovalMessage(deployment, { event: 'approval requested' });
 */
export function buildApprovalMessage(
  deployment: Deployment,
  context: NotificationContext,
  options: ApprovalMessageOptions = {},
): SlackMessage {
  const webUrl = (options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  const maxListed = options.maxListed ?? 10;
  const shortSha = deployment.revision.slice(0, 7);
  const commitUrl = `${webUrl}/${deployment.repository}/commit/${deployment.revision}`;
  const stack = deployment.stack.stackName;
  const blocks: SlackBlock[] = [];

  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: truncate(`${KIND_LABEL[deployment.kind]}: ${stack}`, HEADER_MAX) },
  });
  blocks.push({
    type: 'section',
    fields: [
      mrkdwn(`*Stack*\n${escapeMrkdwn(stack)} (${escapeMrkdwn(deployment.stack.region)})`),
      mrkdwn(`*Revision*\n<${commitUrl}|${shortSha}>`),
      mrkdwn(`*Author*\n${escapeMrkdwn(deployment.author ?? 'unknown')}`),
      mrkdwn(`*Repository*\n${escapeMrkdwn(deployment.repository)}`),
    ],
  });
  // A rewritten history (force push) is called out above everything else: no rule auto-approves it.
  if (deployment.historyRewritten) {
    const from = deployment.historyRewritten.from.slice(0, 7);
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `:warning: *History rewritten*: ${shortSha} does not descend from ${escapeMrkdwn(from)}, the revision this stack had. Check the force push before approving.`,
      ),
    });
  }
  // The dependency chain: which stacks deploy first at this revision.
  if (deployment.waitingFor && deployment.waitingFor.length > 0) {
    const names = deployment.waitingFor.map((name) => `*${escapeMrkdwn(name)}*`).join(', ');
    blocks.push({ type: 'section', text: mrkdwn(`:link: Deploys after ${names} at ${shortSha}`) });
  }
  const subject = context.commitMessage?.split('\n')[0]?.trim();
  if (subject) blocks.push({ type: 'section', text: mrkdwn(`> ${escapeMrkdwn(truncate(subject, 300))}`) });

  // What changes, with what needs a careful look called out.
  const summary = deployment.changeSet?.summary;
  if (summary) {
    const counts = [`${summary.add} to add`, `${summary.modify} to modify`, `${summary.remove} to remove`];
    if (summary.replace > 0) counts.push(`${summary.replace} replaced`);
    if (summary.conditionalReplace > 0) counts.push(`${summary.conditionalReplace} maybe replaced`);
    if (summary.import) counts.push(`${summary.import} imported`);
    if (summary.dynamic) counts.push(`${summary.dynamic} decided at execution`);
    if (summary.security > 0) counts.push(`${summary.security} IAM / security`);
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Changes* (risk: *${summary.risk}*)\n${counts.join(' · ')}`),
    });
    const callouts = [
      callout(
        ':wastebasket: *Removed*',
        summary.changes.filter((c) => c.action === 'Remove'),
        maxListed,
      ),
      callout(
        ':recycle: *Replaced*',
        summary.changes.filter((c) => c.replacement === 'True' || c.replacement === 'Conditional'),
        maxListed,
      ),
      callout(':closed_lock_with_key: *IAM / security*', summary.changes.filter(isSecurityChange), maxListed),
    ].filter((text): text is string => text !== undefined);
    for (const text of callouts) blocks.push({ type: 'section', text: mrkdwn(truncate(text, SECTION_MAX)) });
  }

  if (deployment.kind === DeploymentKind.REVERT_DRIFT && context.drift && context.drift.length > 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(truncate(driftText(context.drift, maxListed), SECTION_MAX)),
    });
  }

  // The status line: where the deployment is and what just happened.
  const statusParts = [statusLine(deployment), escapeMrkdwn(context.event)];
  if (deployment.reason) statusParts.push(escapeMrkdwn(truncate(deployment.reason.message, 500)));
  if (context.detailsUrl) statusParts.push(`<${context.detailsUrl}|details>`);
  // The id people give `converge show` / `converge approve`.
  statusParts.push(`deployment \`${deployment.id}\``);
  blocks.push({ type: 'context', elements: [mrkdwn(truncate(statusParts.join(' · '), SECTION_MAX))] });

  if (showsButtons(deployment, context) && deployment.changeSet) {
    const value = encodeButtonValue({ deploymentId: deployment.id, changeSetId: deployment.changeSet.id });
    blocks.push({
      type: 'actions',
      // Slack asks for a new block_id on every iteration of a message; the version changes on every write.
      block_id: truncate(`vote:${deployment.id}:${deployment.version}`, 255),
      elements: [
        { type: 'button', action_id: SlackActionId.APPROVE, style: 'primary', value, text: plain('Approve') },
        { type: 'button', action_id: SlackActionId.REJECT, style: 'danger', value, text: plain('Reject') },
      ],
    });
  }

  const text = `${stack} @ ${shortSha}: ${STATUS_LINE[deployment.status].replace(/^:[a-z_]+: /, '')}`;
  return { text, blocks };
}

/**
 * Where the deployment is. An ended request says why it can no longer be voted on: the reason
 * (which revision superseded it, who rejected it) follows in the status line, and an expired one
 * says when it expired.
 */
function statusLine(deployment: Deployment): string {
  if (deployment.status === DeploymentStatus.EXPIRED && deployment.expiresAt)
    return `${STATUS_LINE.EXPIRED} at ${escapeMrkdwn(deployment.expiresAt)}`;
  return STATUS_LINE[deployment.status];
}

/** Approve / Reject only while people can still decide; every ended request loses its buttons. */
function showsButtons(deployment: Deployment, context: NotificationContext): boolean {
  if (deployment.status !== DeploymentStatus.AWAITING_APPROVAL) return false;
  if (deployment.kind === DeploymentKind.PREVIEW) return false;
  return context.awaitingApproval ?? true;
}

function isSecurityChange(change: ResourceChangeSummary): boolean {
  return change.flags.some(isSecurityFlag);
}

function callout(
  title: string,
  changes: readonly ResourceChangeSummary[],
  maxListed: number,
): string | undefined {
  if (changes.length === 0) return undefined;
  const lines = changes
    .slice(0, maxListed)
    .map((c) => `• \`${escapeMrkdwn(c.logicalId)}\` ${escapeMrkdwn(c.resourceType)} (${c.action})`);
  if (changes.length > maxListed) lines.push(`…and ${changes.length - maxListed} more`);
  return `${title}\n${lines.join('\n')}`;
}

function driftText(drift: readonly ResourceDrift[], maxListed: number): string {
  const lines = drift.slice(0, maxListed).map((resource) => {
    const head = `• \`${escapeMrkdwn(resource.logicalId)}\` ${escapeMrkdwn(resource.resourceType)}: ${resource.status}`;
    const differences = resource.differences
      .slice(0, 5)
      .map(
        (d) =>
          `    \`${escapeMrkdwn(d.path)}\` expected ${escapeMrkdwn(truncate(d.expected, 80))}, actual ${escapeMrkdwn(truncate(d.actual, 80))}`,
      );
    return [head, ...differences].join('\n');
  });
  if (drift.length > maxListed) lines.push(`…and ${drift.length - maxListed} more`);
  return `:twisted_rightwards_arrows: *Drift to revert*\n${lines.join('\n')}`;
}

function mrkdwn(text: string): SlackText {
  return { type: 'mrkdwn', text };
}

function plain(text: string): SlackText & { type: 'plain_text' } {
  return { type: 'plain_text', text, emoji: true };
}
