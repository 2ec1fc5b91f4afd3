import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { type LocalCloud, startLocalCloud } from '../local/start-local-cloud.ts';
import { AuditAction } from '../shared/domain/deployment/audit-action.ts';
import { type Deployment, stackKey } from '../shared/domain/deployment/deployment.ts';
import { sortableId } from '../shared/domain/ids.ts';
import { sweepDrift } from '../shared/use-cases/drift/sweep-drift.ts';
import { DEFAULT_SWEEP_SETTINGS } from '../shared/use-cases/drift/sweep-settings.ts';
import { driftPipeline, REGION, REPOSITORY } from '../test/e2e/drift-harness.ts';
import { waitFor } from '../test/support/wait-for.ts';
import { type BenchSuite, QUICK } from './bench-suite.ts';

/**
 * A drift sweep over 100 and 1,000 stacks with CloudFormation's drift calls rate-limited (a token
 * bucket in the local cloud, throttling above it), run by the sweep use case with its shipped
 * settings (concurrency, poll backoff) and its throttling backoff, against the floor (stacks ÷
 * the allowed rate of DetectStackDrift: no sweep can start detections faster) and a sequential
 * AWS CLI loop (detect-stack-drift, then describe-stack-drift-detection-status until done, per
 * stack). The CLI loop runs over the first 8 stacks and is scaled to the whole fleet (each stack
 * costs it the same). Each case runs once: a sweep of 1,000 stacks takes a minute by design.
 */

const run = promisify(execFile);
const RATE_PER_SECOND = 20;
const CLI_SAMPLE = QUICK ? 2 : 8;
const SIZES = QUICK ? [10] : [100, 1_000];
const REVISION = 'b3'.repeat(20);
const TEMPLATE =
  'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 30\n';
const names = Array.from({ length: Math.max(...SIZES) }, (_, i) => `fleet-${String(i).padStart(4, '0')}`);

let cloud: LocalCloud | undefined;
let users = 0;

/** One local cloud with every stack, shared by the suites; created by the first, stopped by the last. */
async function openCloud(): Promise<LocalCloud> {
  users += 1;
  if (cloud) return cloud;
  cloud = await startLocalCloud({
    dynamodb: false,
    delays: { changeSet: 0, resource: 0, stackPhase: 0, drift: 0, cloudControl: 0 },
    log: () => undefined,
  });
  const world = driftPipeline(cloud);
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
        () => world.cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' })),
        (cs) => cs.ExecutionStatus === 'AVAILABLE',
        { what: 'the change set', timeoutMs: 60_000 },
      );
      await world.cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: 'create' }));
      await waitFor(
        async () =>
          (await world.cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]
            ?.StackStatus,
        (status) => status === 'CREATE_COMPLETE',
        { what: 'the stack', timeoutMs: 60_000 },
      );
    }
  };
  await Promise.all(Array.from({ length: 25 }, create));
  world.unsubscribe();
  return cloud;
}

async function closeCloud(): Promise<void> {
  users -= 1;
  if (users === 0) {
    await cloud?.stop();
    cloud = undefined;
  }
}

/** A drift pipeline that manages the first `size` stacks (each recorded as applied at REVISION). */
async function fleet(size: number) {
  const world = driftPipeline(cloud!);
  const stacks = names.slice(0, size);
  world.revisions[REVISION] = {
    'converge.yaml': [
      'version: 1',
      'defaults:',
      `  region: ${REGION}`,
      '  drift: { mode: report }',
      'stacks:',
      ...stacks.flatMap((name) => [`  - name: ${name}`, '    template: stacks/fleet.yaml']),
      '',
    ].join('\n'),
    'stacks/fleet.yaml': TEMPLATE,
  };
  for (const [index, stackName] of stacks.entries()) {
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
      action: AuditAction.PLANNING,
      actor: 'bench',
      at,
    });
    await world.deps.store.recordApplied(stackKey(stack), REVISION, id, at);
  }
  // The shipped sweep settings and throttling backoff; no invocation deadline within the sweep.
  const deps = {
    ...world.deps,
    settings: { ...world.deps.settings, sweep: { ...DEFAULT_SWEEP_SETTINGS, safetyMarginMs: 0 } },
  };
  delete (deps.settings as { throttle?: unknown }).throttle;
  return { world, deps };
}

async function sweep(size: number): Promise<{ elapsedMs: number }> {
  const { world, deps } = await fleet(size);
  const start = performance.now();
  try {
    const result = await sweepDrift(deps, {
      requestedBy: 'system:schedule',
      owner: 'bench',
      remainingMs: () => 900_000,
    });
    if (!result.finished || result.counts.done !== size) {
      throw new Error(`the sweep of ${size} stacks did not finish: ${JSON.stringify(result.counts)}`);
    }
  } finally {
    world.unsubscribe();
  }
  return { elapsedMs: performance.now() - start };
}

/** The sequential CLI loop over the first CLI_SAMPLE stacks, scaled to `size`. */
async function cliLoop(size: number): Promise<{ elapsedMs: number }> {
  const found = (await run('which', ['aws']).catch(() => undefined))?.stdout.trim();
  if (!found)
    throw new Error(
      'The AWS CLI is not on PATH (`which aws` found nothing): the CLI loop baseline needs it. Install AWS CLI v1 (`pip install awscli`) and run the bench again.',
    );
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: '/tmp',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: REGION,
  };
  const aws = (...args: string[]) =>
    run(found, ['cloudformation', ...args, '--endpoint-url', cloud!.endpoint, '--output', 'json'], { env });
  const sample = names.slice(0, Math.min(CLI_SAMPLE, size));
  const start = performance.now();
  for (const stackName of sample) {
    const started = JSON.parse((await aws('detect-stack-drift', '--stack-name', stackName)).stdout);
    for (;;) {
      const status = JSON.parse(
        (
          await aws(
            'describe-stack-drift-detection-status',
            '--stack-drift-detection-id',
            started.StackDriftDetectionId,
          )
        ).stdout,
      );
      if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') break;
    }
  }
  return { elapsedMs: ((performance.now() - start) / sample.length) * size };
}

export const suites: readonly BenchSuite[] = SIZES.map(
  (size): BenchSuite => ({
    name: `drift sweep of ${size} stacks, DetectStackDrift limited to ${RATE_PER_SECOND}/s`,
    baseline: `floor (${size} stacks / ${RATE_PER_SECOND} per s)`,
    minSamples: 1,
    maxSamples: 1,
    warmupRounds: 0,
    goals: { 'sweep (shipped settings)': 1.5 },
    cases: {
      [`floor (${size} stacks / ${RATE_PER_SECOND} per s)`]: () => ({
        elapsedMs: (size / RATE_PER_SECOND) * 1000,
      }),
      'sweep (shipped settings)': () => sweep(size),
      [`aws CLI loop (${Math.min(CLI_SAMPLE, size)} run, x${(size / Math.min(CLI_SAMPLE, size)).toFixed(0)})`]:
        () => cliLoop(size),
    },
    async setup() {
      await openCloud();
      cloud!.faults.set({
        rules: [
          {
            service: 'cloudformation',
            operation: 'DetectStackDrift',
            throttle: { maxPerSecond: RATE_PER_SECOND },
          },
        ],
      });
    },
    teardown: closeCloud,
  }),
);
