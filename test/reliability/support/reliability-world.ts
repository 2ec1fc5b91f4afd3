import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { isTerminal } from '../../../shared/domain/deployment/deployment-status.ts';
import { recordDevHost } from '../../e2e/support/converge-binary.ts';
import { type E2e, REGION, startE2e, template } from '../../e2e/support/e2e-harness.ts';
import type { ReliabilitySize } from './size.ts';

/** The people of the reliability policy: one approver on each channel. */
export const APPROVERS = {
  slack: 'U0APPROVER',
  github: 'approver',
  /** The local cloud's STS names the CLI's caller after the host's access key id. */
  cli: 'aws:arn:aws:iam::000000000000:user/local',
} as const;

/** One commit on main of one repository, with the stacks it changed and their new values. */
export interface Commit {
  readonly repository: string;
  readonly index: number;
  readonly sha: string;
  readonly before: string;
  readonly changed: Readonly<Record<string, string>>;
}

/** A running host with its repositories, stacks and the CLI's project folder. */
export interface ReliabilityWorld {
  readonly e2e: E2e;
  readonly size: ReliabilitySize;
  readonly repositories: readonly string[];
  /** Stack name → repository short name. */
  readonly stacks: ReadonlyMap<string, string>;
  /** Where `converge` finds the host (for CLI votes). */
  readonly project: string;
  readonly dynamodb: DynamoDBClient;
  /** The host's own messages: retried and dead-lettered messages. */
  readonly hostLog: readonly string[];
  /** When the world began to start (`Date.now()`), so the run can say how long its setup took. */
  readonly startedAt: number;
  stop(): Promise<void>;
}

/** A deterministic generator, so a failing run can be replayed with the same traffic. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts a host serving `size.repositories` repositories of `size.stacksPerRepository` stacks each. */
export async function startReliabilityWorld(
  prefix: string,
  size: ReliabilitySize,
  options: { readonly maxReceiveCount?: number } = {},
): Promise<ReliabilityWorld> {
  const startedAt = Date.now();
  const repositories = Array.from({ length: size.repositories }, (_, r) => `${prefix}-${r}`);
  const stacks = new Map<string, string>();
  for (const repository of repositories)
    for (let s = 0; s < size.stacksPerRepository; s += 1) stacks.set(`${repository}-s${s}`, repository);
  const dir = await mkdtemp(join(tmpdir(), `converge-${prefix}-`));
  const policy = [
    'version: 1',
    'repositories:',
    ...repositories.map((name) => `  acme/${name}: { branches: [main], stacks: ["${name}-*"] }`),
    `approvers: ["slack:${APPROVERS.slack}", "github:${APPROVERS.github}", "${APPROVERS.cli}"]`,
    'slack: { teamId: T0LOCAL }',
    '',
  ].join('\n');
  await writeFile(join(dir, 'policy.yaml'), policy);
  const hostLog: string[] = [];
  // The host keeps a message hidden while its invocation runs (as Lambda's function timeout does),
  // so the visibility timeout only spaces out retries: a busy stack's execution comes back in
  // seconds, not a minute. One message per invocation, four at once (the host's default).
  const e2e = await startE2e(repositories, {
    policyFile: join(dir, 'policy.yaml'),
    visibilityTimeoutMs: 3_000,
    batchSize: 1,
    ...(options.maxReceiveCount ? { maxReceiveCount: options.maxReceiveCount } : {}),
    log: (message) => hostLog.push(message),
  });
  const project = join(dir, 'project');
  await import('node:fs/promises').then((fs) => fs.mkdir(project));
  await recordDevHost(e2e, project, repositories);
  return {
    e2e,
    size,
    repositories,
    stacks,
    project,
    hostLog,
    startedAt,
    dynamodb: new DynamoDBClient({ region: REGION, endpoint: e2e.host.cloudEndpoint, maxAttempts: 10 }),
    async stop() {
      await e2e.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** converge.yaml of one repository: its stacks, every change waiting for a person. */
export function repositoryYaml(world: ReliabilityWorld, repository: string): string {
  const names = [...world.stacks].filter(([, r]) => r === repository).map(([name]) => name);
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    '  approval: { required: 1, autoApprove: never }',
    'stacks:',
    ...names.flatMap((name) => [`  - name: ${name}`, `    template: stacks/${name}.yaml`]),
    '',
  ].join('\n');
}

/**
 * Commits the history of every repository (without sending anything): a first commit with
 * converge.yaml and every stack, then commits changing one or two stacks each.
 */
export async function commitHistory(world: ReliabilityWorld, random: () => number): Promise<Commit[]> {
  const commits: Commit[] = [];
  for (const repository of world.repositories) {
    const names = [...world.stacks].filter(([, r]) => r === repository).map(([name]) => name);
    const repo = world.e2e.repository(repository);
    let before = '0'.repeat(40);
    for (let index = 0; index <= world.size.commitsPerRepository; index += 1) {
      const changed: Record<string, string> = {};
      if (index === 0) for (const name of names) changed[name] = `${name}@0`;
      else
        for (let n = 0; n < 1 + Math.floor(random() * 2); n += 1)
          changed[names[Math.floor(random() * names.length)]!] = `${repository}@${index}`;
      const files: Record<string, string> =
        index === 0 ? { 'converge.yaml': repositoryYaml(world, repository) } : {};
      for (const [name, value] of Object.entries(changed)) files[`stacks/${name}.yaml`] = template(value);
      const { sha } = await repo.push(files, { send: false });
      commits.push({ repository, index, sha, before, changed });
      before = sha;
    }
  }
  return commits;
}

/** The newest commit of each stack's repository that changed it: where the stack must end. */
export function expectedHeads(commits: readonly Commit[]): Map<string, Commit> {
  const heads = new Map<string, Commit>();
  for (const commit of commits)
    for (const name of Object.keys(commit.changed)) {
      const known = heads.get(name);
      if (!known || known.index < commit.index) heads.set(name, commit);
    }
  return heads;
}

/** Every deployment of every stack of the world. */
export async function allDeployments(world: ReliabilityWorld): Promise<Deployment[]> {
  const lists = await Promise.all([...world.stacks.keys()].map((name) => world.e2e.deployments(name)));
  return lists.flat();
}

/** Every item of the table, as plain attribute maps. */
export async function scanTable(world: ReliabilityWorld): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan(
    { client: world.dynamodb },
    { TableName: world.e2e.host.tableName, ConsistentRead: true },
  ))
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  return items;
}

/** The delivery ids the table holds (one item per processed delivery). */
export async function recordedDeliveries(world: ReliabilityWorld): Promise<string[]> {
  return (await scanTable(world))
    .filter((item) => (item.type as { S?: string } | undefined)?.S === 'delivery')
    .map((item) => (item.deliveryId as { S: string }).S);
}

/** Waits until every deployment is terminal and the host has nothing queued or running. */
export async function settleEverything(
  world: ReliabilityWorld,
  approve: (waiting: readonly Deployment[]) => Promise<void>,
  timeoutMs: number,
): Promise<Deployment[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Deployment[] = [];
  let quietRounds = 0;
  while (Date.now() < deadline) {
    // A throttled read (the faults suite throttles the test's reads too) is read again next round.
    const read = await allDeployments(world).catch(() => undefined);
    if (!read) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    last = read;
    await approve(last.filter((d) => d.status === 'AWAITING_APPROVAL'));
    const done = last.every((d) => isTerminal(d.status)) && world.e2e.host.idle();
    // Two rounds in a row with nothing in flight: nothing was between a handler and a queue.
    quietRounds = done ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const open = last
    .filter((d) => !isTerminal(d.status))
    .map((d) => `${d.stack.stackName}:${d.status}:${d.kind}`);
  const details = last
    .filter((d) => !isTerminal(d.status))
    .slice(0, 5)
    .map((d) =>
      JSON.stringify({
        id: d.id,
        kind: d.kind,
        pr: d.pullRequest,
        revision: d.revision.slice(0, 8),
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      }),
    );
  throw new Error(
    `not settled after ${timeoutMs} ms: ${open.length} open (${open.slice(0, 20).join(', ')})\n${details.join('\n')}\nhost idle: ${world.e2e.host.idle()}; plan queue: ${world.e2e.host.queues.plan.describe().join('\n')}\nexecute queue: ${world.e2e.host.queues.execute.describe().join('\n')}\nhost: ${world.hostLog.slice(-20).join('\n')}`,
  );
}

/** p-th percentile (0..100) of `values`, 0 when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A fresh GitHub delivery id. */
export const deliveryId = (): string => randomUUID();
