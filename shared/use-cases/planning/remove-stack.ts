import { summarizeChangeSet } from '../../domain/change-set/summarize-change-set.ts';
import { OnRemove, type StackConfig } from '../../domain/config/stack-config.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import {
  type Deployment,
  DeploymentKind,
  type Reason,
  type StackRef,
  stackKey,
} from '../../domain/deployment/deployment.ts';
import { deploymentId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus, isTerminal } from '../../domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { iso } from '../../domain/time.ts';
import type { Job } from '../../ports/queue.ts';
import type { StackState } from '../../ports/store.ts';
import { loadConfiguration } from '../configuration/load-configuration.ts';
import { trustedStackConfig } from '../configuration/trusted-stack-config.ts';
import { inSession } from '../deployment/stack-session.ts';
import { closePlanning } from './close-planning.ts';
import { createPlannedDeployment } from './create-planned-deployment.ts';
import { decidePlannedDeployment } from './decide-planned-deployment.ts';
import { flagged, humanApproval, type PlanDeps } from './plan-deployment.ts';
import { planTrust } from './plan-trust.ts';

export type RemoveStackJob = Extract<Job, { type: 'remove-stack' }>;

/** What became of a stack that left converge.yaml. */
export type RemoveOutcome =
  | { readonly kind: 'released' }
  | { readonly kind: 'deletion'; readonly deployment: Deployment }
  | { readonly kind: 'skipped'; readonly reason: string };

const ACTOR = 'system:plan';

/** The id of the deletion a remove-stack job plans: the same on every delivery of the job. */
export function removeJobDeploymentId(job: RemoveStackJob): string {
  return deploymentId(job.requestedAt, ['delete', job.deliveryId, job.revision, job.stackKey].join('|'));
}

/**
 * A stack left converge.yaml: Converge stops managing it. What happens is read from the stack's
 * trusted configuration (converge.yaml at its last applied revision), never from the commit that
 * removed it: by default the stack is released (drift sweeps stop, people are told once, the
 * stack stays); with `onRemove: delete` its deletion is planned as a deployment whose change set
 * is "remove every resource", which always waits for a person and is refused for a stack with
 * termination protection. Only the repository that owns the stack can remove it, and only while
 * the stack is still absent from converge.yaml at the revision. Idempotent.
 *
 * @throws Error while the trusted configuration cannot be read (the job is retried).
 */
export async function removeStack(deps: PlanDeps, job: RemoveStackJob): Promise<RemoveOutcome> {
  const { store } = deps;

  // Only a managed stack, owned by this repository, not already released.
  const state = await store.getStackState(job.stackKey);
  if (!state?.lastAppliedRevision || !state.lastAppliedDeploymentId)
    return { kind: 'skipped', reason: `${job.stackName} was never deployed` };
  if (state.released)
    return { kind: 'skipped', reason: `${job.stackName} is already ${state.released.outcome}` };
  const owner = state.owner ?? (await store.getDeployment(state.lastAppliedDeploymentId))?.repository;
  if (owner !== job.repository)
    return { kind: 'skipped', reason: `${job.stackName} belongs to ${owner ?? 'no repository'}` };

  // Still gone from converge.yaml at the revision (a later push may have put it back).
  const now = await loadConfiguration(deps, job).catch(() => undefined);
  if (!now) return { kind: 'skipped', reason: `converge.yaml does not read at ${job.revision.slice(0, 12)}` };
  if (now.stacks.some((s) => stackKey({ stackName: s.name, region: s.region }) === job.stackKey))
    return {
      kind: 'skipped',
      reason: `${job.stackName} is in converge.yaml at ${job.revision.slice(0, 12)}`,
    };

  // What to do comes from the trusted configuration; unreadable is retried, never guessed.
  const trusted = await trustedStackConfig(deps, new Map(), {
    repository: job.repository,
    revision: state.lastAppliedRevision,
    stack: { stackName: job.stackName },
  });
  if (trusted instanceof Error) throw trusted;
  // The stack where the trusted configuration put it, under its role (or the control plane's).
  const roleArn = trusted.roleArn ?? deps.settings.defaultRoleArn;
  const stack: StackRef = {
    stackName: trusted.name,
    region: trusted.region,
    ...(roleArn ? { roleArn } : {}),
  };
  if ((trusted.onRemove ?? OnRemove.RELEASE) === OnRemove.RELEASE) return releaseStack(deps, job, stack);
  return { kind: 'deletion', deployment: await planDeletion(deps, job, stack, state, trusted) };
}

/** Marks the stack released (a conditional write) and tells people once. */
async function releaseStack(deps: PlanDeps, job: RemoveStackJob, stack: StackRef): Promise<RemoveOutcome> {
  const at = iso(deps.clock);
  if (!(await deps.store.releaseStack(job.stackKey, { revision: job.revision, at, outcome: 'released' })))
    return { kind: 'skipped', reason: `${job.stackName} is already released` };
  const message = `it left converge.yaml at ${job.revision.slice(0, 12)}, so drift sweeps stop and the stack is left as it is. Add it back to manage it again, or delete it in CloudFormation.`;
  await deps.store.appendAudit({
    subject: `stack#${job.stackKey}`,
    action: AuditAction.RELEASED,
    actor: ACTOR,
    reason: `${job.stackName} ${message}`,
    at,
    data: { repository: job.repository, revision: job.revision },
  });
  await deps.notifier.stackReleased?.({
    repository: job.repository,
    revision: job.revision,
    stackName: job.stackName,
    region: stack.region,
    message,
  });
  return { kind: 'released' };
}

/**
 * Plans the deletion of the stack: trust as for any plan (the policy may refuse, protected stacks
 * never), the trusted approval rule with at least one person and never auto-approved, ordered
 * among the stack's deployments, then gated with every resource shown as a removal.
 */
async function planDeletion(
  given: PlanDeps,
  job: RemoveStackJob,
  stack: StackRef,
  state: StackState,
  trusted: StackConfig,
): Promise<Deployment> {
  const id = removeJobDeploymentId(job);
  const deps = inSession(given, id);
  const { store, stacks } = deps;
  const existing = await store.getDeployment(id);
  if (existing && existing.status !== DeploymentStatus.PLANNING) return existing;
  // One deletion at a time: a push and a poll of the same removal plan it once.
  const pending = (await store.listDeployments(job.stackKey)).find(
    (d) => d.kind === DeploymentKind.DELETE && d.id !== id && !isTerminal(d.status),
  );
  if (pending) return pending;

  // Who may delete it and under which rule: the trust step of every plan, with a person always.
  const trust = await planTrust(deps, {
    mode: DeploymentKind.DELETE,
    repository: job.repository,
    stackName: job.stackName,
    stackKey: job.stackKey,
    stack,
    requestedAt: job.requestedAt,
    state,
  });
  const flags = [
    `deletion: ${job.stackName} left converge.yaml with onRemove: delete; approving deletes the stack and every resource in it`,
    ...trust.flags,
  ];
  const gateDeps = { ...deps, notifier: flagged(deps.notifier, flags) };
  const deployment =
    existing ??
    (await createPlannedDeployment(
      deps,
      {
        id,
        mode: DeploymentKind.DELETE,
        repository: job.repository,
        revision: job.revision,
        stackKey: job.stackKey,
        author: job.author,
        authors: job.authors,
        actor: ACTOR,
        audit: { deliveryId: job.deliveryId },
      },
      stack,
      { approval: humanApproval(trust.approval), from: trust.from, flags },
    ));
  if (deployment.status !== DeploymentStatus.PLANNING) return deployment;
  const fail = (reason: Reason) =>
    closePlanning(gateDeps, deployment, { type: 'PLAN_FAILED', reason }, ACTOR, reason);

  // Ordered among the stack's deployments: a later deployment of the stack supersedes it.
  if (!(await store.recordAttempt(job.stackKey, job.revision, id, iso(deps.clock)))) {
    const newer = await store.getStackState(job.stackKey);
    const by = {
      deploymentId: newer?.lastAttemptedDeploymentId ?? 'unknown',
      revision: newer?.lastAttemptedRevision ?? 'unknown',
    };
    return closePlanning(gateDeps, deployment, { type: 'SUPERSEDED', by }, ACTOR);
  }
  if (trust.refusal) return fail(trust.refusal);

  // A stack already gone has nothing to delete.
  const live = await stacks.describeStack(stack);
  if (!live) {
    await store.releaseStack(job.stackKey, {
      revision: job.revision,
      at: iso(deps.clock),
      outcome: 'deleted',
    });
    return closePlanning(gateDeps, deployment, { type: 'PLAN_EMPTY' }, ACTOR);
  }

  // Termination protection (in CloudFormation or in the trusted configuration) refuses a deletion.
  if (live.terminationProtection || trusted.terminationProtection) {
    return fail({
      code: ReasonCode.STACK_PROTECTED,
      message: `${job.stackName} has termination protection${live.terminationProtection ? ' in CloudFormation' : ' in converge.yaml'}, so Converge will not delete it. Turn the protection off (and remove terminationProtection from the stack) before removing it with onRemove: delete, or remove it with onRemove: release to keep it.`,
    });
  }

  // Every resource the stack holds, as a removal: what approving deletes.
  const resources = (await stacks.listResources?.(stack)) ?? [];
  const summary = summarizeChangeSet(
    resources.map((resource) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: 'Remove',
        LogicalResourceId: resource.logicalId,
        PhysicalResourceId: resource.physicalId,
        ResourceType: resource.resourceType,
      },
    })),
  );
  return decidePlannedDeployment(gateDeps, deployment, {
    id: live.stackId,
    name: `delete-${job.stackName}`,
    summary,
  });
}
