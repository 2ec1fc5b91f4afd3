import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from '../shared/adapters/aws/dynamodb-store.ts';
import { type Deployment, stackKey } from '../shared/domain/deployment/deployment.ts';
import {
  convergeYaml,
  type E2e,
  type E2eRepository,
  newest,
  REGION,
  startE2e,
  template,
} from '../test/e2e/support/e2e-harness.ts';
import type { BenchSuite } from './bench-suite.ts';

/**
 * The same one-value template change on the same local cloud, deployed two ways: a signed push
 * through the local host (webhook → plan queue → change set → auto-approval → execute queue →
 * stack event → SUCCEEDED) and `aws cloudformation deploy` (the AWS CLI on the machine, v1) until
 * UPDATE_COMPLETE. Each case changes the value, so every run is a real update. The push case's
 * clock starts when the signed webhook is sent (the commit before it is not timed) and stops when
 * the deployment reads SUCCEEDED; the CLI's clock covers the whole command.
 */

const run = promisify(execFile);
const STACK = 'bench-app';
const CLI_STACK = 'bench-cli-app';
/** How often the bench reads the deployment while waiting: finer than anything it measures. */
const READ_EVERY_MS = 5;

/**
 * No emulated delay anywhere: what is left is each tool's own overhead. (With any delay, the CLI's
 * waiters, which poll after 5 s for a change set and 30 s for a stack, would dominate its time.)
 */
const NO_DELAYS = { changeSet: 0, resource: 0, stackPhase: 0, drift: 0, cloudControl: 0 };

let e2e: E2e | undefined;
/** Reads deployments from DynamoDB Local directly, so the bench's own reads are not counted as AWS calls. */
let reader: DynamoDbStore;
let repo: E2eRepository;
let dir = '';
let value = 0;
const calls = { converge: {} as Record<string, number>, cli: {} as Record<string, number> };

async function awsCli(): Promise<string> {
  const found = await run('which', ['aws']).catch(() => undefined);
  const path = found?.stdout.trim();
  if (!path) {
    throw new Error(
      'The AWS CLI is not on PATH (`which aws` found nothing): the `aws cloudformation deploy` baseline needs it. Install AWS CLI v1 (`pip install awscli`) and run the bench again.',
    );
  }
  return path;
}

/** The CLI's waiters poll at once, then every 5 s (change set) or 30 s (stack). */
const CHANGE_SET_WAITER_MS = 5_000;
const STACK_WAITER_MS = 30_000;
/** The CLI's times less its waiters' sleeps: its own work, the figure most favourable to the CLI. */
const cliWork: number[] = [];
const pushTimes: number[] = [];

/**
 * `aws cloudformation deploy`, timed as a whole. An update is always still UPDATE_IN_PROGRESS at
 * the stack waiter's first poll (here and on AWS), so the CLI then sleeps 30 s: that is its real
 * time. How many sleeps it took is read from the calls the cloud counted (polls after the first),
 * so the notes can also compare with the CLI's work alone.
 */
async function cliDeployTimed(): Promise<{ elapsedMs: number }> {
  const faults = e2e!.host.cloud!.faults;
  const before = { ...faults.counters().requests };
  const start = performance.now();
  await cliDeploy();
  const elapsedMs = performance.now() - start;
  const after = faults.counters().requests;
  const delta = (op: string) => (after[`cloudformation.${op}`] ?? 0) - (before[`cloudformation.${op}`] ?? 0);
  // DescribeStacks: one existence check, then one per stack waiter poll.
  const slept =
    Math.max(0, delta('DescribeStacks') - 2) * STACK_WAITER_MS +
    Math.max(0, delta('DescribeChangeSet') - 1) * CHANGE_SET_WAITER_MS;
  cliWork.push(elapsedMs - slept);
  // The CLI's own calls (the host may be reading its table meanwhile: those are not the CLI's).
  calls.cli = Object.fromEntries(
    Object.keys(after)
      .filter((op) => op.startsWith('cloudformation.'))
      .map((op) => [op, (after[op] ?? 0) - (before[op] ?? 0)]),
  );
  return { elapsedMs };
}

async function cliDeploy(): Promise<void> {
  const aws = await awsCli();
  const file = join(dir, 'cli.yaml');
  await writeFile(file, template(`cli-${++value}`));
  const host = e2e!.host;
  await run(
    aws,
    [
      'cloudformation',
      'deploy',
      '--endpoint-url',
      host.cloudEndpoint,
      '--region',
      REGION,
      '--stack-name',
      CLI_STACK,
      '--template-file',
      file,
      '--no-fail-on-empty-changeset',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: REGION,
      },
    },
  );
}

/** Pushes a new value and waits until its deployment has SUCCEEDED; returns the time from the webhook. */
async function pushDeploy(): Promise<{ elapsedMs: number }> {
  const before = newest(await deployments())?.id;
  const faults = e2e!.host.cloud!.faults;
  const counted = { ...faults.counters().requests };
  const files = { 'stacks/bench-app.yaml': template(`push-${++value}`) };
  const pushed = await repo.push(files, { send: false });
  const start = performance.now();
  const answer = await e2e!.deliver('push', JSON.parse(pushed.body), { deliveryId: pushed.deliveryId });
  if (answer.status !== 202)
    throw new Error(`the push was answered ${answer.status}: ${await answer.text()}`);
  const done = await settle(before);
  const elapsedMs = performance.now() - start;
  pushTimes.push(elapsedMs);
  const now = faults.counters().requests;
  calls.converge = Object.fromEntries(
    Object.keys(now)
      .map((op) => [op, (now[op] ?? 0) - (counted[op] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  if (done.status !== 'SUCCEEDED') throw new Error(`the push deployment ended ${done.status}`);
  return { elapsedMs };
}

/** Waits for a deployment newer than `before` to end; approves a first deployment (it asks a person). */
async function settle(before: string | undefined): Promise<Deployment> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const latest = newest(await deployments());
    if (latest && latest.id !== before) {
      if (latest.status === 'AWAITING_APPROVAL') await e2e!.click(latest);
      if (['SUCCEEDED', 'FAILED', 'PLAN_FAILED', 'NO_CHANGES', 'REJECTED'].includes(latest.status))
        return latest;
    }
    await new Promise((resolve) => setTimeout(resolve, READ_EVERY_MS));
  }
  throw new Error(`no deployment of ${STACK} ended within 60 s`);
}

function deployments(): Promise<readonly Deployment[]> {
  return reader.listDeployments(stackKey({ stackName: STACK, region: REGION }));
}

export const suite: BenchSuite = {
  name: 'push -> deployed, one template change on the local cloud',
  baseline: 'aws cloudformation deploy',
  // The CLI takes over 30 s an update: three runs of it, up to five of the push.
  budgetMs: 20_000,
  minSamples: 3,
  maxSamples: 5,
  warmupRounds: 0,
  goals: { 'push -> SUCCEEDED (host, auto-approved)': 1.5 },
  cases: {
    'aws cloudformation deploy': () => cliDeployTimed(),
    'push -> SUCCEEDED (host, auto-approved)': () => pushDeploy(),
  },
  async setup() {
    await awsCli();
    dir = await mkdtemp(join(tmpdir(), 'converge-bench-'));
    e2e = await startE2e(['bench'], { delays: NO_DELAYS });
    reader = new DynamoDbStore({
      tableName: e2e.host.tableName,
      client: new DynamoDBClient({ region: REGION, endpoint: e2e.host.cloud!.dynamodb!.endpoint }),
    });
    repo = e2e.repository('bench');
    // The first deployment of a stack asks a person; later safe changes are auto-approved.
    const first = await repo.push({
      'converge.yaml': convergeYaml([STACK], '{ required: 1, autoApprove: safe }'),
      'stacks/bench-app.yaml': template('push-0'),
    });
    if (first.status !== 202) throw new Error(`the first push was answered ${first.status}`);
    await settle(undefined);
    await cliDeploy();
  },
  async teardown() {
    await e2e?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  },
  notes: () => [
    `aws cloudformation deploy less its waiters' sleeps (its own work): median ${median(cliWork).toFixed(0)} ms of ${cliWork.length} runs;`,
    `push -> SUCCEEDED against that: ${(median(pushTimes) / median(cliWork)).toFixed(2)}x.`,
    ...callsTable(calls.converge, calls.cli),
  ],
};

/**
 * What a deployment of one change needs at least: CloudFormation CreateChangeSet, one
 * DescribeChangeSet that sees it created, ExecuteChangeSet; and DescribeStacks twice: once when
 * planning (who owns the stack, which change-set type) and once under the stack lock just before
 * executing (the stack must be stable then). Converge keeps its state in DynamoDB besides.
 */
const MINIMUM: Readonly<Record<string, number>> = {
  'cloudformation.DescribeStacks': 2,
  'cloudformation.CreateChangeSet': 1,
  'cloudformation.DescribeChangeSet': 1,
  'cloudformation.ExecuteChangeSet': 1,
};

function callsTable(converge: Record<string, number>, cli: Record<string, number>): string[] {
  const operations = [...new Set([...Object.keys(converge), ...Object.keys(cli)])].sort();
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return [
    'AWS calls per deployment by operation (the last run of each)',
    `  ${'operation'.padEnd(48)}${'push'.padStart(6)}${'cli'.padStart(6)}${'minimum'.padStart(9)}`,
    ...operations.map(
      (op) =>
        `  ${op.padEnd(48)}${String(converge[op] ?? 0).padStart(6)}${String(cli[op] ?? 0).padStart(6)}${String(MINIMUM[op] ?? '').padStart(9)}`,
    ),
    `  ${'total'.padEnd(48)}${String(total(converge)).padStart(6)}${String(total(cli)).padStart(6)}`,
  ];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
