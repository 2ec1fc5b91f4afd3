import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import type { Deployment, Reason } from '../../domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import type { Notifier } from '../../ports/notifier.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';
import { type DependencyGateDeps, dependencyGate } from './dependency-gate.ts';

/** Where planning stands after the dependency step; `deployment` is as stored now. */
export type AwaitedDependencies =
  | {
      readonly kind: 'met';
      readonly deployment: Deployment;
      readonly parameters: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'waiting'; readonly deployment: Deployment }
  | { readonly kind: 'blocked'; readonly deployment: Deployment; readonly reason: Reason };

/** A plan job may go on with a deployment still PLANNING or waiting for its dependencies. */
export function isResumable(status: DeploymentStatus): boolean {
  return status === DeploymentStatus.PLANNING || status === DeploymentStatus.AWAITING_DEPENDENCIES;
}

/**
 * The dependency step of planning: a deployment whose dependencies have not finished at its
 * revision moves to AWAITING_DEPENDENCIES (and people see which), one whose dependencies are in
 * place goes on PLANNING with its `fromStack` parameters. After it starts waiting it looks once
 * more, since a dependency that ended just before found nobody waiting to release.
 *
 * @example
 * const step = await awaitDependencies(deps, deployment, { configuration, stackConfig }, 'system:plan');
 * if (step.kind === 'waiting') return step.deployment; // a dependency-closed job resumes it
 */
export async function awaitDependencies(
  deps: DependencyGateDeps & { readonly notifier: Notifier },
  deployment: Deployment,
  input: { readonly configuration: Configuration; readonly stackConfig: StackConfig },
  actor: string,
): Promise<AwaitedDependencies> {
  let current = deployment;
  let gate = await dependencyGate(deps, { deployment: current, ...input });

  // Wait for dependencies that have not finished, then look once more.
  if (gate.kind === 'waiting' && current.status === DeploymentStatus.PLANNING) {
    const names = gate.waitingFor.join(', ');
    const waiting = await moveDeployment(
      deps,
      current,
      { type: 'DEPENDENCIES_PENDING', waitingFor: gate.waitingFor },
      { action: AuditAction.DEPENDENCIES_PENDING, actor, reason: `waiting for ${names}` },
    );
    if (!waiting) return { kind: 'waiting', deployment: await reread(deps, current) };
    current = await notify(deps, waiting, { event: `waiting for ${names} to deploy first` });
    gate = await dependencyGate(deps, { deployment: current, ...input });
  }
  if (gate.kind === 'waiting') return { kind: 'waiting', deployment: current };
  if (gate.kind === 'blocked') return { kind: 'blocked', deployment: current, reason: gate.reason };

  // Dependencies in place: a waiting deployment is planned now.
  if (current.status === DeploymentStatus.AWAITING_DEPENDENCIES) {
    const resumed = await moveDeployment(
      deps,
      current,
      { type: 'DEPENDENCIES_MET' },
      {
        action: AuditAction.DEPENDENCIES_MET,
        actor,
        reason: `${(current.waitingFor ?? []).join(', ')} deployed`,
      },
    );
    // Another writer moved it (superseded, or another resume planning it): leave it to them.
    if (!resumed) return { kind: 'waiting', deployment: await reread(deps, current) };
    current = resumed;
  }
  return { kind: 'met', deployment: current, parameters: gate.parameters };
}

async function reread(deps: DependencyGateDeps, deployment: Deployment): Promise<Deployment> {
  return (await deps.store.getDeployment(deployment.id)) ?? deployment;
}
