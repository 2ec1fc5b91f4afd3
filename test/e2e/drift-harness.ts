import {
  CloudControlClient,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
} from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudEvent } from '../../local/cloud/service.ts';
import type { LocalCloud } from '../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../shared/adapters/aws/cloudformation-stacks.ts';
import { MemoryArtifacts } from '../../shared/adapters/memory/memory-artifacts.ts';
import { MemoryDriftNotifier } from '../../shared/adapters/memory/memory-drift-notifier.ts';
import { MemoryDriftStore } from '../../shared/adapters/memory/memory-drift-store.ts';
import { MemoryNotifier } from '../../shared/adapters/memory/memory-notifier.ts';
import { MemoryQueue } from '../../shared/adapters/memory/memory-queue.ts';
import { MemoryStore } from '../../shared/adapters/memory/memory-store.ts';
import { systemClock } from '../../shared/adapters/system/system-clock.ts';
import { type Deployment, stackKey } from '../../shared/domain/deployment/deployment.ts';
import type { DriftStore } from '../../shared/ports/drift-store.ts';
import type { Store } from '../../shared/ports/store.ts';
import { decideApproval } from '../../shared/use-cases/approval/decide-approval.ts';
import { driftDetectionChanged } from '../../shared/use-cases/drift/drift-detection-changed.ts';
import type { SweepDriftDeps } from '../../shared/use-cases/drift/sweep-drift.ts';
import { closeOnStackEvent } from '../../shared/use-cases/execution/close-on-stack-event.ts';
import { type ExecuteDeps, executeDeployment } from '../../shared/use-cases/execution/execute-deployment.ts';
import { type PlanDeps, planStack } from '../../shared/use-cases/planning/plan-stack.ts';
import { MemorySource } from '../support/memory-source.ts';
import { testPolicy } from '../support/test-policy.ts';

export const REPOSITORY = 'acme/infrastructure';
/** Who approves first deployments (the control-plane policy's approver). */
export const CONTROL_PLANE_APPROVER = 'slack:U0APPROVER' as const;
export const REGION = 'eu-west-1';

export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  };
}

/** Polls `probe` every 20 ms until `done` (10 s at most). */
export async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what = 'the local cloud',
): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Converge's drift pipeline wired to a running local cloud: the real CloudFormation adapter over
 * the SDK, stores in memory or on DynamoDB Local, and the cloud's events delivered to the same use
 * cases the stack-events and drift functions run (closeOnStackEvent, driftDetectionChanged).
 */
export function driftPipeline(
  cloud: LocalCloud,
  options: {
    store?: Store;
    drift?: DriftStore;
    deliverDriftEvents?: boolean;
    /** CloudFormation client attempts; 1 leaves throttling to Converge's own backoff alone. */
    cloudFormationMaxAttempts?: number;
  } = {},
) {
  const revisions: Record<string, Record<string, string>> = {};
  const source = new MemorySource(revisions);
  const cfn = new CloudFormationClient({
    ...clientConfig(cloud.endpoint),
    ...(options.cloudFormationMaxAttempts ? { maxAttempts: options.cloudFormationMaxAttempts } : {}),
  });
  const cc = new CloudControlClient(clientConfig(cloud.endpoint));
  const queue = new MemoryQueue();
  const notifier = new MemoryNotifier();
  const driftNotifier = new MemoryDriftNotifier();
  const deps = {
    source,
    stacks: new CloudFormationStacks({ client: () => cfn }),
    store: options.store ?? new MemoryStore(),
    drift: options.drift ?? new MemoryDriftStore(),
    queue,
    clock: systemClock,
    artifacts: new MemoryArtifacts(),
    notifier,
    driftNotifier,
    policy: testPolicy({ repositories: [REPOSITORY], approvers: [CONTROL_PLANE_APPROVER] }),
    settings: {
      lockLeaseMs: 600_000,
      changeSetWait: { firstDelayMs: 10, maxDelayMs: 50, timeoutMs: 10_000 },
      throttle: { firstDelayMs: 10, maxDelayMs: 200, maxAttempts: 10 },
      sweep: { maxConcurrency: 5, pollFirstDelayMs: 10, pollMaxDelayMs: 40, safetyMarginMs: 0 },
    },
  } satisfies SweepDriftDeps & PlanDeps & ExecuteDeps;

  // The cloud's events reach the use cases the event-driven functions run.
  const failures: unknown[] = [];
  const unsubscribe = cloud.events.subscribe(async (event: CloudEvent) => {
    try {
      if (event['detail-type'] === 'CloudFormation Stack Status Change') {
        const details = event.detail['status-details'] as { status: string; 'status-reason'?: string };
        await closeOnStackEvent(deps, {
          stackId: String(event.detail['stack-id']),
          status: details.status,
          statusReason: details['status-reason'],
          clientRequestToken: event.detail['client-request-token'] as string | undefined,
        });
      }
      if (
        event['detail-type'] === 'CloudFormation Drift Detection Status Change' &&
        options.deliverDriftEvents
      ) {
        const details = event.detail['status-details'] as { 'detection-status': string };
        await driftDetectionChanged(deps, {
          stackId: String(event.detail['stack-id']),
          detectionId: String(event.detail['stack-drift-detection-id']),
          detectionStatus: details['detection-status'],
        });
      }
    } catch (error) {
      failures.push(error);
    }
  });

  /** Runs every queued execute job, as the execute function does. */
  const runExecuteJobs = async () => {
    for (const { job } of queue.drain()) {
      if (job.type === 'execute') await executeDeployment(deps, { deploymentId: job.deploymentId });
    }
  };

  /**
   * Waits until a deployment ends (its stack event closed it) and the stack-events handler has
   * released the stack lock too: the status is written first, the lock released after it, and a
   * sweep in between would rightly skip the stack as in flight.
   */
  const settled = async (id: string) => {
    const ended = await until(
      async () => (await deps.store.getDeployment(id))!,
      (d) => ['SUCCEEDED', 'FAILED', 'NO_CHANGES', 'PLAN_FAILED'].includes(d.status),
      `deployment ${id}`,
    );
    await until(
      async () => (await deps.store.getStackState(ended.stackKey))?.lock,
      (lock) => lock === undefined || lock.owner !== id,
      `the stack lock of ${id}`,
    );
    return ended;
  };

  /** Deploys `stackName` at `revision` through plan → (auto) approve → execute → stack event. */
  const deploy = async (stackName: string, revision: string): Promise<Deployment> => {
    const planned = await planStack(deps, {
      type: 'plan',
      kind: 'deploy',
      repository: REPOSITORY,
      revision,
      stackName,
      stackKey: stackKey({ stackName, region: REGION }),
      requestedAt: Date.now(),
      deliveryId: `delivery-${stackName}-${revision.slice(0, 6)}`,
      author: 'alice',
    });
    // A first deployment waits for the control-plane approvers: one of them approves it.
    if (planned.status === 'AWAITING_APPROVAL') {
      await decideApproval(deps, {
        deploymentId: planned.id,
        approver: CONTROL_PLANE_APPROVER,
        decision: 'approve',
        via: 'slack',
      });
    } else if (planned.status !== 'APPROVED') {
      throw new Error(`deploy ${stackName}: ${planned.status} ${planned.reason?.message ?? ''}`);
    }
    await runExecuteJobs();
    return settled(planned.id);
  };

  /** A resource's live properties, as Cloud Control reads them. */
  const liveProperties = async (typeName: string, identifier: string) => {
    const found = await cc.send(new GetResourceCommand({ TypeName: typeName, Identifier: identifier }));
    return JSON.parse(found.ResourceDescription?.Properties ?? '{}') as Record<string, unknown>;
  };

  /** Waits for a Cloud Control request to succeed. */
  const ccDone = (token: string | undefined) =>
    until(
      () => cc.send(new GetResourceRequestStatusCommand({ RequestToken: token })),
      (status) => status.ProgressEvent?.OperationStatus === 'SUCCESS',
      'a Cloud Control request',
    );

  return {
    deps,
    revisions,
    cfn,
    cc,
    queue,
    notifier,
    driftNotifier,
    failures,
    unsubscribe,
    runExecuteJobs,
    settled,
    deploy,
    liveProperties,
    ccDone,
  };
}
