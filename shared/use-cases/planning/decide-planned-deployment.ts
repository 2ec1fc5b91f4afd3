import type { Approval } from '../../domain/approval/approval.ts';
import { autoApprovalDecision } from '../../domain/approval/auto-approval-decision.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import { type ChangeSetRef, type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { Queue } from '../../ports/queue.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { moveDeployment, patchFor } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { supersede } from './supersede.ts';

/** The policy's own identity on the approval record it writes when it auto-approves. */
export const AUTO_APPROVER = 'policy:auto-approve' as const;

/**
 * The end of planning, once the change set has changes: supersede what this deployment replaces,
 * then report a preview, or gate a deployment by its trusted approval rule.
 */
export async function decidePlannedDeployment(
  deps: { store: Store; stacks: Stacks; queue: Queue; clock: Clock; notifier: Notifier },
  deployment: Deployment,
  changeSet: ChangeSetRef,
): Promise<Deployment> {
  const { store, queue, clock } = deps;
  const actor = 'system:plan';
  const by = { deploymentId: deployment.id, revision: deployment.revision };

  // Supersede older pending deployments of the stack (previews: older previews of the same pull request).
  // Git history orders deployments: the stack's newest attempt also replaces pending ones that
  // arrived later (ancestors planned before it); one still PLANNING has yet to be compared.
  const isPreview = deployment.kind === DeploymentKind.PREVIEW;
  const newestAttempt =
    !isPreview &&
    (await store.getStackState(deployment.stackKey))?.lastAttemptedDeploymentId === deployment.id;
  for (const older of await store.listDeployments(deployment.stackKey)) {
    const sameLine = isPreview
      ? older.kind === DeploymentKind.PREVIEW && older.pullRequest === deployment.pullRequest
      : older.kind !== DeploymentKind.PREVIEW;
    const replaced =
      older.id < deployment.id ||
      (newestAttempt && older.id !== deployment.id && older.status !== DeploymentStatus.PLANNING);
    if (sameLine && replaced) await supersede(deps, older, by, actor);
  }

  // Previews are never executed: report the change set on the pull request; the preview stays
  // PLANNING until a newer push or the pull request closing supersedes it.
  if (isPreview) {
    const notified = await notify(
      deps,
      { ...deployment, changeSet },
      { event: 'preview ready', awaitingApproval: false },
    );
    return { ...notified, changeSet };
  }

  // Apply the trusted approval rule: auto-approve, with an approval record naming this change set ...
  const decision = gateDecision(deployment, changeSet);
  if (decision.autoApprove) {
    // The status and the policy's approval record naming this change set are one write: either
    // both exist or neither, so execution never finds an approved deployment without its approval.
    const approved = await recordAutoApproval(deps, deployment, changeSet, decision.why);
    if (!approved) return (await store.getDeployment(deployment.id)) ?? deployment;
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
    );
    return notify(deps, approved, { event: `auto-approved: ${decision.why}` });
  }

  // ... or ask people, until expiresAt.
  const expiresAt = new Date(clock.now() + deployment.approval!.ttlSeconds * 1000).toISOString();
  const waiting = await moveDeployment(
    deps,
    deployment,
    { type: 'APPROVAL_REQUIRED', changeSet, expiresAt },
    {
      action: AuditAction.AWAITING_APPROVAL,
      actor,
      reason: decision.why,
    },
    deployment.historyRewritten ? { historyRewritten: deployment.historyRewritten } : {},
  );
  if (!waiting) return (await store.getDeployment(deployment.id)) ?? deployment;
  return notify(deps, waiting, { event: `approval needed: ${decision.why}`, awaitingApproval: true });
}

/**
 * Whether the trusted rule lets the policy approve. A revision on a rewritten history always
 * waits for a person: the rule was written for a history that moves forward.
 */
function gateDecision(
  deployment: Deployment,
  changeSet: ChangeSetRef,
): { autoApprove: boolean; why: string } {
  if (deployment.kind === DeploymentKind.DELETE) {
    return { autoApprove: false, why: 'Deleting a stack always waits for a person.' };
  }
  if (deployment.historyRewritten) {
    return {
      autoApprove: false,
      why: `History rewritten: ${deployment.revision.slice(0, 12)} does not descend from ${deployment.historyRewritten.from.slice(0, 12)}, so a person must approve it.`,
    };
  }
  return changeSet.summary
    ? autoApprovalDecision(deployment.approval!, changeSet.summary)
    : { autoApprove: false, why: 'The change set has no summary.' };
}

/**
 * Moves a planned deployment to APPROVED and records the policy's approval of `changeSet` in the
 * same transaction. Returns the approved deployment, or `undefined` when the transition table
 * refuses it or another writer moved the deployment first (nothing is written then).
 */
async function recordAutoApproval(
  { store, clock }: { store: Store; clock: Clock },
  deployment: Deployment,
  changeSet: ChangeSetRef,
  why: string,
): Promise<Deployment | undefined> {
  const next = patchFor(deployment, { type: 'AUTO_APPROVED', changeSet }, clock.now());
  if (!next) return undefined;
  const approval: Approval = {
    deploymentId: deployment.id,
    changeSetId: changeSet.id,
    approver: AUTO_APPROVER,
    decision: 'approve',
    at: iso(clock),
    via: 'policy',
    comment: why,
  };
  try {
    await store.recordApproval(
      approval,
      { from: deployment.status, next },
      {
        subject: subjectOf(deployment.id),
        action: AuditAction.AUTO_APPROVED,
        actor: 'system:plan',
        reason: why,
        at: iso(clock),
      },
    );
  } catch (error) {
    const current = await store.getDeployment(deployment.id);
    if (current && current.status !== deployment.status) return undefined;
    throw error;
  }
  return store.getDeployment(deployment.id);
}
