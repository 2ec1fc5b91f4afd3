import type { StackConfig } from '../../domain/config/stack-config.ts';
import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { DeploymentStatus, isTerminal } from '../../domain/deployment/deployment-status.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Job, Queue } from '../../ports/queue.ts';
import type { Source } from '../../ports/source.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { Store } from '../../ports/store.ts';
import { loadConfiguration } from '../configuration/load-configuration.ts';
import { replanJob } from '../execution/replan-job.ts';
import { configuredStackKey, deploymentAtRevision } from './dependency-gate.ts';

export interface ReleaseDeps {
  readonly source: Source;
  readonly store: Store;
  readonly stacks: Stacks;
  readonly queue: Queue;
  readonly clock: Clock;
  readonly settings: { readonly defaultRoleArn?: string };
}

/** What {@link releaseDependents} queued. */
export interface ReleaseResult {
  /** Dependents AWAITING_DEPENDENCIES at the revision, whose plan job was queued to go on (or stop). */
  readonly resumed: readonly string[];
  /** Dependents not deployed in the revision whose input from the dependency's outputs changed. */
  readonly replanned: readonly string[];
}

/**
 * Runs when a deploy ends (a `dependency-closed` job): each stack that depends on it at its
 * revision and waits is resumed (its plan job queued again, which plans it or stops it with the
 * dependency's reason); after a success, each dependent not deployed in that revision whose live
 * parameter no longer matches the output it takes is planned again at that revision.
 *
 * @example
 * await releaseDependents(deps, { type: 'dependency-closed', deploymentId, stackKey });
 */
export async function releaseDependents(
  deps: ReleaseDeps,
  job: Extract<Job, { type: 'dependency-closed' }>,
): Promise<ReleaseResult> {
  const none = { resumed: [], replanned: [] };
  const closed = await deps.store.getDeployment(job.deploymentId);
  if (!closed || closed.kind !== DeploymentKind.DEPLOY || !isTerminal(closed.status)) return none;

  // Its dependents, as the configuration at its revision names them.
  const configuration = await loadConfiguration(deps, closed).catch(() => undefined);
  if (!configuration) return none;
  const dependents = configuration.stacks.filter((s) => s.dependsOn.includes(closed.stack.stackName));

  const resumed: string[] = [];
  const replanned: string[] = [];
  for (const dependent of dependents) {
    const key = configuredStackKey(dependent);
    const waiting = await deploymentAtRevision(deps, key, closed);
    if (waiting?.status === DeploymentStatus.AWAITING_DEPENDENCIES) {
      // Resume the waiting deployment: its plan job checks the dependencies again.
      await deps.queue.send(
        {
          ...replanJob(waiting, { requestedAt: deps.clock.now(), deliveryId: `resume:${waiting.id}` }),
          deploymentId: waiting.id,
        },
        { group: key, dedupeId: dedupeId('resume', waiting.id, closed.id) },
      );
      resumed.push(dependent.name);
    } else if (!waiting && closed.status === DeploymentStatus.SUCCEEDED) {
      // A changed output plans the dependents that take it again.
      if (await takesChangedOutput(deps, closed, dependent)) {
        const deliveryId = `outputs:${closed.id}`;
        await deps.queue.send(
          replanJob(
            { ...closed, stack: { ...closed.stack, stackName: dependent.name }, stackKey: key },
            { requestedAt: deps.clock.now(), deliveryId },
          ),
          { group: key, dedupeId: dedupeId('outputs', closed.id, key) },
        );
        replanned.push(dependent.name);
      }
    }
  }
  return { resumed, replanned };
}

/**
 * Whether the dependent, deployed before, takes an output of the closed deployment's stack whose
 * value its live stack does not have. A NoEcho parameter (read back as `****`) cannot be compared
 * and counts as unchanged.
 */
async function takesChangedOutput(deps: ReleaseDeps, closed: Deployment, dependent: StackConfig) {
  const taken = Object.entries(dependent.outputParameters).filter(
    ([, from]) => from.fromStack === closed.stack.stackName,
  );
  if (taken.length === 0) return false;
  const roleArn = dependent.roleArn ?? deps.settings.defaultRoleArn;
  const live = await deps.stacks.describeStack({
    stackName: dependent.name,
    region: dependent.region,
    ...(roleArn ? { roleArn } : {}),
  });
  if (!live) return false;
  const outputs = (await deps.stacks.describeStack(closed.stack))?.outputs ?? {};
  return taken.some(([parameter, from]) => {
    const now = live.parameters?.[parameter];
    return now !== '****' && outputs[from.output] !== undefined && now !== outputs[from.output];
  });
}
