import type { Approval } from '../domain/approval/approval.ts';
import type { ChangeSetRef, Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentKind } from '../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../domain/deployment/deployment-status.ts';
import type { Clock } from '../ports/clock.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Queue } from '../ports/queue.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { Store } from '../ports/store.ts';
import { dedupeId } from './deployment-names.ts';
import { autoApprovalDecision } from './interim/change-set-rules.ts';
import { nextStatus } from './interim/transitions.ts';
import { notify } from './notify.ts';
import { ReasonCode } from './reason-code.ts';
import { iso, supersede } from './supersede.ts';

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
  const audit = (action: string, reason?: string) => ({
    subject: `deployment#${deployment.id}`,
    action,
    actor,
    reason,
    at: iso(clock),
  });

  // Supersede older pending deployments of the stack (previews: older previews of the same pull request).
  const isPreview = deployment.kind === DeploymentKind.PREVIEW;
  for (const older of await store.listDeployments(deployment.stackKey)) {
    const sameLine = isPreview
      ? older.kind === DeploymentKind.PREVIEW && older.pullRequest === deployment.pullRequest
      : older.kind !== DeploymentKind.PREVIEW;
    if (sameLine && older.id < deployment.id) await supersede(deps, older, deployment, actor);
  }

  // Previews are never executed: keep the summary on the deployment and report it on the pull request.
  if (isPreview) {
    const previewed = await store.transition(
      deployment.id,
      DeploymentStatus.PLANNING,
      nextStatus(deployment, DeploymentStatus.PLANNING, { changeSet }, clock.now()),
      audit('previewed'),
    );
    await notify(deps, previewed, { event: 'preview ready', awaitingApproval: false });
    return previewed;
  }

  // Apply the trusted approval rule: auto-approve (with an approval record naming this change set) ...
  const requirement = deployment.approval!;
  const decision = summaryDecision(requirement, changeSet);
  if (decision.approve) {
    const approval: Approval = {
      deploymentId: deployment.id,
      changeSetId: changeSet.id,
      approver: 'policy:auto-approve',
      decision: 'approve',
      at: iso(clock),
      via: 'policy',
      comment: decision.reason,
    };
    const next = nextStatus(
      deployment,
      DeploymentStatus.APPROVED,
      { changeSet, reason: { code: ReasonCode.AUTO_APPROVED, message: decision.reason } },
      clock.now(),
    );
    await store.recordApproval(
      approval,
      { from: DeploymentStatus.PLANNING, next },
      audit('approved', decision.reason),
    );
    await queue.send(
      { type: 'execute', deploymentId: deployment.id, stackKey: deployment.stackKey },
      { group: deployment.stackKey, dedupeId: dedupeId('execute', deployment.id) },
    );
    const approved = (await store.getDeployment(deployment.id))!;
    await notify(deps, approved, { event: `auto-approved: ${decision.reason}`, awaitingApproval: false });
    return approved;
  }

  // ... or ask people, until expiresAt.
  const expiresAt = new Date(clock.now() + requirement.ttlSeconds * 1000).toISOString();
  const waiting = await store.transition(
    deployment.id,
    DeploymentStatus.PLANNING,
    nextStatus(
      deployment,
      DeploymentStatus.AWAITING_APPROVAL,
      { changeSet, expiresAt, reason: { code: ReasonCode.APPROVAL_REQUIRED, message: decision.reason } },
      clock.now(),
    ),
    audit('awaiting-approval', decision.reason),
  );
  await notify(deps, waiting, { event: `approval needed: ${decision.reason}`, awaitingApproval: true });
  return waiting;
}

function summaryDecision(requirement: NonNullable<Deployment['approval']>, changeSet: ChangeSetRef) {
  if (!changeSet.summary) return { approve: false, reason: 'the change set has no summary' };
  return autoApprovalDecision(requirement, changeSet.summary);
}
