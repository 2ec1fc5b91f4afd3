import { UpdateResourceCommand } from '@aws-sdk/client-cloudcontrol';
import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/start-local-cloud.ts';
import { type Deployment, type StackRef, stackKey } from '../../shared/domain/deployment/deployment.ts';
import { sortableId } from '../../shared/domain/ids.ts';
import type { DriftDetectionState, Stacks } from '../../shared/ports/stacks.ts';
import { type SweepDriftResult, sweepDrift } from '../../shared/use-cases/drift/sweep-drift.ts';
import { waitFor } from '../support/wait-for.ts';
import { driftPipeline, REGION, REPOSITORY } from './drift-harness.ts';

const STACKS = 1_000;
const MAX_CONCURRENCY = 10;
/** How many time checks one sweep invocation gets before its time is up (1,000 stacks need several). */
const CHECKS_PER_INVOCATION = 600;
const DRIFTED = 'fleet-0421';
const REVISION = 'f1'.repeat(20);
const TEMPLATE =
  'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 30\n';
const names = Array.from({ length: STACKS }, (_, i) => `fleet-${String(i).padStart(4, '0')}`);

/** Counts what the sweep asks CloudFormation: detections started per stack, and how many run at once. */
function countingStacks(inner: Stacks) {
  const started = new Map<string, number>();
  const running = new Set<string>();
  let maxRunning = 0;
  const delegated = Object.fromEntries(
    [
      'describeStack',
      'createChangeSet',
      'describeChangeSet',
      'deleteChangeSet',
      'deleteStackInReview',
      'deleteStack',
      'stackStatus',
      'executeChangeSet',
      'failedResourceEvents',
      'resourceDrifts',
      'listResources',
    ].map((name) => [
      name,
      (inner as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!.bind(inner),
    ]),
  ) as unknown as Stacks;
  const stacks: Stacks = Object.assign(delegated, {
    actingAs: () => stacks,
    detectDrift: async (stack: StackRef) => {
      const id = await inner.detectDrift(stack);
      started.set(stack.stackName, (started.get(stack.stackName) ?? 0) + 1);
      running.add(id);
      maxRunning = Math.max(maxRunning, running.size);
      return id;
    },
    driftDetectionStatus: async (stack: StackRef, id: string): Promise<DriftDetectionState> => {
      const state = await inner.driftDetectionStatus(stack, id);
      if (state.detectionStatus !== 'DETECTION_IN_PROGRESS') running.delete(id);
      return state;
    },
  });
  return { stacks, started, maxRunning: () => maxRunning };
}

describe('a drift sweep over 1,000 stacks with throttling switched on', () => {
  let cloud: LocalCloud;
  let world: ReturnType<typeof driftPipeline>;
  let counting: ReturnType<typeof countingStacks>;
  const cloudRunning = new Set<string>();
  let cloudMaxRunning = 0;
  const invocations: SweepDriftResult[] = [];

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 1, resource: 1, stackPhase: 1, drift: 5, cloudControl: 1 },
    });
    // The SDK's own retries are off, so every throttled call meets Converge's backoff.
    world = driftPipeline(cloud, { cloudFormationMaxAttempts: 1 });
    world.revisions[REVISION] = {
      'converge.yaml': [
        'version: 1',
        'defaults:',
        `  region: ${REGION}`,
        '  drift: { mode: report }',
        'stacks:',
        ...names.flatMap((name) => [`  - name: ${name}`, '    template: stacks/fleet.yaml']),
        '',
      ].join('\n'),
      'stacks/fleet.yaml': TEMPLATE,
    };

    // Create the stacks (straight through CloudFormation, 25 at a time) and record them as applied.
    const queue = [...names];
    const create = async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const stackName = name;
        await world.cfn.send(
          new CreateChangeSetCommand({
            StackName: stackName,
            ChangeSetName: 'create',
            ChangeSetType: 'CREATE',
            TemplateBody: TEMPLATE,
          }),
        );
        await waitFor(
          () =>
            world.cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' })),
          (cs) => cs.ExecutionStatus === 'AVAILABLE',
        );
        await world.cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' }));
        await waitFor(
          async () =>
            (await world.cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]
              ?.StackStatus,
          (status) => status === 'CREATE_COMPLETE',
        );
      }
    };
    await Promise.all(Array.from({ length: 25 }, create));
    for (const [index, stackName] of names.entries()) {
      const stack = { stackName, region: REGION };
      const at = new Date(Date.now() - 3_600_000 + index).toISOString();
      const id = sortableId(Date.parse(at), new Uint8Array(10).fill(index % 256));
      const deployment: Deployment = {
        id,
        kind: 'deploy',
        stack,
        stackKey: stackKey(stack),
        repository: REPOSITORY,
        revision: REVISION,
        status: 'SUCCEEDED',
        createdAt: at,
        updatedAt: at,
        version: 5,
      };
      await world.deps.store.createDeployment(deployment, {
        subject: `deployment#${id}`,
        action: 'planning',
        actor: 'test',
        at,
      });
      await world.deps.store.recordApplied(stackKey(stack), REVISION, id, at);
    }

    // Drift exactly one of them by hand.
    const queueUrl = (
      await world.cfn.send(
        new DescribeStackResourcesCommand({ StackName: DRIFTED, LogicalResourceId: 'Queue' }),
      )
    ).StackResources?.[0]?.PhysicalResourceId;
    const update = await world.cc.send(
      new UpdateResourceCommand({
        TypeName: 'AWS::SQS::Queue',
        Identifier: queueUrl,
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value: 99 }]),
      }),
    );
    await world.ccDone(update.ProgressEvent?.RequestToken);

    // Watch detections from the cloud's side too: started and ended, per its own events.
    cloud.events.subscribe((event) => {
      if (event['detail-type'] !== 'CloudFormation Drift Detection Status Change') return;
      const id = String(event.detail['stack-drift-detection-id']);
      const status = (event.detail['status-details'] as { 'detection-status': string })['detection-status'];
      if (status === 'DETECTION_IN_PROGRESS') cloudRunning.add(id);
      else cloudRunning.delete(id);
      cloudMaxRunning = Math.max(cloudMaxRunning, cloudRunning.size);
    });

    // Throttle a quarter of the drift calls, then sweep in invocations with a bounded budget each.
    cloud.faults.set({
      seed: 7,
      rules: [
        { service: 'cloudformation', operation: 'DetectStackDrift', throttle: { probability: 0.25 } },
        {
          service: 'cloudformation',
          operation: 'DescribeStackDriftDetectionStatus',
          throttle: { probability: 0.25 },
        },
      ],
    });
    cloud.faults.resetCounters();
    counting = countingStacks(world.deps.stacks);
    const deps = {
      ...world.deps,
      stacks: counting.stacks,
      settings: {
        ...world.deps.settings,
        throttle: { firstDelayMs: 5, maxDelayMs: 80, maxAttempts: 12 },
        sweep: {
          maxConcurrency: MAX_CONCURRENCY,
          pollFirstDelayMs: 5,
          pollMaxDelayMs: 40,
          safetyMarginMs: 0,
        },
      },
    };
    // Each invocation's time runs out after a fixed number of checks (each stack costs at least
    // one), not after wall-clock seconds: the sweep always spans several invocations, however
    // fast or busy the machine is.
    for (let run = 1; run <= 100; run++) {
      let checks = 0;
      const result = await sweepDrift(deps, {
        requestedBy: 'system:schedule',
        owner: `invocation-${run}`,
        remainingMs: () => (++checks <= CHECKS_PER_INVOCATION ? 60_000 : 0),
      });
      invocations.push(result);
      if (result.finished) break;
    }
  }, 300_000);

  afterAll(async () => {
    world?.unsubscribe();
    await cloud?.stop();
  });

  it('finishes the sweep, over several invocations, with every stack done', () => {
    const last = invocations.at(-1)!;
    expect(last).toMatchObject({
      finished: true,
      counts: { done: STACKS, pending: 0, detecting: 0, skipped: 0 },
    });
    expect(new Set(invocations.map((r) => r.sweepId)).size).toBe(1);
    expect(invocations.length).toBeGreaterThan(1);
  });

  it('starts every detection exactly once, as CloudFormation counted the requests', () => {
    const { requests, throttled } = cloud.faults.counters();
    const detect = 'cloudformation.DetectStackDrift';

    expect(throttled[detect]).toBeGreaterThan(0);
    expect((requests[detect] ?? 0) - (throttled[detect] ?? 0)).toBe(STACKS);
    expect([...counting.started.values()].every((count) => count === 1)).toBe(true);
    expect(counting.started.size).toBe(STACKS);
  });

  it('never runs more detections at once than the configured concurrency', () => {
    expect(counting.maxRunning()).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect(counting.maxRunning()).toBeGreaterThan(1);
    expect(cloudMaxRunning).toBeLessThanOrEqual(MAX_CONCURRENCY);
  });

  it('reports the one drifted stack, and only that one', async () => {
    expect(world.driftNotifier.sent.map((record) => record.report.stack.stackName)).toEqual([DRIFTED]);
    const [record] = await world.deps.drift.listDriftRecords(
      stackKey({ stackName: DRIFTED, region: REGION }),
    );
    expect(record?.report.resources.find((r) => r.logicalId === 'Queue')?.differences).toEqual([
      { path: '/VisibilityTimeout', expected: '30', actual: '99', type: 'NOT_EQUAL' },
    ]);
  });
});
