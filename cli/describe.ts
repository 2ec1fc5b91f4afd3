import type { ChangeSetSummary } from '../shared/domain/change-set/change-set-summary.ts';
import type { Deployment } from '../shared/domain/deployment/deployment.ts';
import type { DeploymentDetails } from '../shared/use-cases/queries/deployment-details.ts';
import type { StackOverview } from '../shared/use-cases/queries/stack-overview.ts';

/**
 * One table, a row per stack: what is applied, the latest deployment's state, drift, and what is
 * pending — `converge status`.
 */
export function describeStackOverview(stacks: readonly StackOverview[], now: number): string[] {
  const rows = stacks.map((stack) => [
    stack.suspended ? `${stack.stackName} (suspended)` : stack.stackName,
    stack.region,
    stack.applied ? short(stack.applied.revision) : '-',
    stack.latest ? `${stack.latest.status} ${ago(stack.latest.updatedAt, now)}` : '-',
    stack.drift ? driftWord(stack.drift.report.stackDriftStatus, stack.drift.report.resources.length) : '-',
    stack.pending.length === 0
      ? '-'
      : stack.pending.map((d) => `${d.status} ${d.id}${waiting(stack, d.id)}`).join(', '),
  ]);
  return table(['STACK', 'REGION', 'APPLIED', 'LATEST', 'DRIFT', 'PENDING'], rows);
}

/** What a held deployment waits for, after its id in `converge status`. */
function waiting(stack: StackOverview, id: string): string {
  const held = stack.held?.find((h) => h.deploymentId === id);
  if (!held) return '';
  if (held.kind === 'suspended') return ' (waits: suspended)';
  return held.mayRunAt ? ` (waits: may run at ${held.mayRunAt})` : ' (waits: outside its deploy windows)';
}

/** One line per deployment, for `converge deployments`. */
export function describeDeploymentLine(deployment: Deployment): string {
  const reason = deployment.reason ? ` — ${deployment.reason.code}: ${deployment.reason.message}` : '';
  const summary = deployment.changeSet?.summary ? ` ${counts(deployment.changeSet.summary)}` : '';
  return `${deployment.id}  ${deployment.createdAt}  ${deployment.stack.stackName}  ${deployment.kind}  ${short(deployment.revision)}  ${deployment.status}${summary}${reason}`;
}

/** Everything about one deployment, for `converge show`. */
export function describeDeploymentDetails({
  deployment,
  approvals,
  audit,
  hold,
}: DeploymentDetails): string[] {
  const lines = [
    `Deployment ${deployment.id} (${deployment.kind}) of ${deployment.stack.stackName} in ${deployment.stack.region}`,
    `  repository   ${deployment.repository} @ ${deployment.revision}${deployment.pullRequest ? ` (pull request #${deployment.pullRequest})` : ''}`,
    `  status       ${deployment.status}`,
  ];
  if (deployment.reason) {
    lines.push(`  reason       ${deployment.reason.code}: ${deployment.reason.message}`);
    for (const detail of deployment.reason.details ?? [])
      lines.push(`               ${detail.logicalId} ${detail.status}: ${detail.reason}`);
  }
  if (deployment.author || deployment.authors?.length)
    lines.push(
      `  authors      ${[...new Set([deployment.author, ...(deployment.authors ?? [])].filter(Boolean))].join(', ')}`,
    );
  const changeSet = deployment.changeSet;
  if (changeSet) {
    lines.push(`  change set   ${changeSet.name} (${changeSet.id})`);
    if (changeSet.summary) {
      lines.push(`  changes      ${counts(changeSet.summary)}, risk ${changeSet.summary.risk}`);
      for (const change of changeSet.summary.changes) {
        const replacement =
          change.replacement === 'True' || change.replacement === 'Conditional'
            ? ` replacement ${change.replacement}`
            : '';
        const flags = change.flags.length > 0 ? ` [${change.flags.join(', ')}]` : '';
        lines.push(
          `               ${change.action.padEnd(6)} ${change.logicalId} (${change.resourceType})${replacement}${flags}`,
        );
      }
    }
  }
  if (deployment.approval) {
    const rule = deployment.approval;
    lines.push(
      `  approval     ${rule.required} of ${rule.approvers.length > 0 ? rule.approvers.join(', ') : 'the control-plane approvers'}, auto-approve ${rule.autoApprove}${deployment.expiresAt ? `, until ${deployment.expiresAt}` : ''}`,
    );
  }
  for (const layer of deployment.windows ?? [])
    for (const window of layer.windows)
      lines.push(
        `  window       ${window.kind}${window.name ? ` "${window.name}"` : ''} ${window.cron} for ${window.durationSeconds / 60}m (${window.timeZone}), from ${layer.from}`,
      );
  if (hold?.held) lines.push(`  waiting      ${hold.message}`);
  for (const vote of approvals)
    lines.push(
      `  vote         ${vote.decision} by ${vote.approver} via ${vote.via} at ${vote.at}${vote.comment ? `: ${vote.comment}` : ''}`,
    );
  lines.push(
    `  timings      created ${deployment.createdAt}, updated ${deployment.updatedAt} (${duration(deployment.createdAt, deployment.updatedAt)})`,
  );
  if (audit.length > 0) {
    lines.push('  audit');
    for (const record of audit)
      lines.push(
        `    ${record.at}  ${record.action} by ${record.actor}${record.reason ? `: ${record.reason}` : ''}`,
      );
  }
  return lines;
}

function counts(summary: ChangeSetSummary): string {
  return `+${summary.add} ~${summary.modify} -${summary.remove} replace ${summary.replace + summary.conditionalReplace}${summary.security > 0 ? ` security ${summary.security}` : ''}`;
}

function driftWord(status: string, resources: number): string {
  return status === 'DRIFTED'
    ? `drifted (${resources})`
    : status === 'IN_SYNC'
      ? 'in sync'
      : status.toLowerCase();
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

function short(revision: string): string {
  return revision.slice(0, 12);
}

function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds}s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

function duration(from: string, to: string): string {
  const seconds = Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
  return seconds < 120 ? `${seconds.toFixed(1)}s` : `${Math.round(seconds / 60)}m`;
}
