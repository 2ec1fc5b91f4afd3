import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signedPushDelivery } from '../../local/host/push-delivery.ts';
import { freePort } from '../../local/net/free-port.ts';
import { type LocalCloud, startLocalCloud } from '../../local/start-local-cloud.ts';
import { DynamoDbStore } from '../../shared/adapters/aws/dynamodb-store.ts';
import { type Deployment, stackKey } from '../../shared/domain/deployment/deployment.ts';
import { createGitRepo, type GitRepo } from '../support/git-repo.ts';
import { waitFor } from '../support/wait-for.ts';
import { convergeYaml, REGION, template } from './support/e2e-harness.ts';

/** What the cloud's events carry to the host, across the host's restarts. */
const EVENTS_TOKEN = 'crash-test-events-token';
const MAIN = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const WEBHOOK_SECRET = 'crash-test-webhook-secret';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const EXECUTE = 'cloudformation.ExecuteChangeSet';

/**
 * The crash test: the local cloud runs apart (here, in the test process: DynamoDB Local and the
 * CloudFormation state outlive the host), the host runs as `converge dev --cloud-endpoint` in a
 * child process, and is killed with SIGKILL between the EXECUTING write and ExecuteChangeSet,
 * and between ExecuteChangeSet and its completion event. Restarted on the same state, each
 * deployment ends in its true state, its change set executed exactly once.
 */
describe('a host killed mid-execution and restarted on the same state', () => {
  let cloud: LocalCloud;
  let port: number;
  let host: ChildProcess | undefined;
  let store: DynamoDbStore;
  let cloudFormation: CloudFormationClient;
  const repos: Record<string, GitRepo> = {};

  beforeAll(async () => {
    port = await freePort();
    cloud = await startLocalCloud({
      eventTargets: [`http://127.0.0.1:${port}/events?token=${EVENTS_TOKEN}`],
      delays: { changeSet: 20, resource: 20 },
      log: () => undefined,
    });
    for (const name of ['before', 'after']) repos[name] = await createGitRepo();
    store = new DynamoDbStore({
      tableName: 'converge',
      client: new DynamoDBClient({ region: REGION, endpoint: cloud.endpoint, credentials: CREDENTIALS }),
    });
    cloudFormation = new CloudFormationClient({
      region: REGION,
      endpoint: cloud.endpoint,
      credentials: CREDENTIALS,
    });
  });
  afterEach(async () => {
    if (host && host.exitCode === null && host.signalCode === null) await kill(host);
  });
  afterAll(async () => {
    await cloud?.stop();
    for (const repo of Object.values(repos)) await repo.remove();
  });

  /** `converge dev` against the running cloud, in its own process; resolves once it serves. */
  async function startDev(scheduleEverySeconds = 1): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'dev',
        '--port',
        String(port),
        '--region',
        REGION,
        '--cloud-endpoint',
        cloud.endpoint,
        '--events-token',
        EVENTS_TOKEN,
        '--schedule-every',
        String(scheduleEverySeconds),
        ...Object.entries(repos).flatMap(([name, repo]) => ['--repo', `acme/${name}=${repo.dir}`]),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          CONVERGE_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
          CONVERGE_EXECUTION_GRACE_SECONDS: '2',
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        },
      },
    );
    let output = '';
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Converge is running at')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`converge dev exited ${code}:\n${output}`)));
    });
    child.stdout?.resume();
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    const exited = once(child, 'exit');
    process.kill(child.pid!, 'SIGKILL');
    await exited;
  }

  /** Commits a one-stack repository and sends its signed push; returns the revision. */
  async function push(name: string): Promise<string> {
    const stackName = `crash-${name}`;
    const files = {
      'converge.yaml': convergeYaml([stackName]),
      [`stacks/${stackName}.yaml`]: template(name),
    };
    const sha = await repos[name]!.commit({ files });
    const delivery = signedPushDelivery(
      { repository: `acme/${name}`, before: '0'.repeat(40), after: sha, paths: Object.keys(files) },
      WEBHOOK_SECRET,
    );
    const answer = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(answer.status).toBeLessThan(300);
    return sha;
  }

  /** Waits until `probe` gives a value (not undefined, not false), and returns it. */
  const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 45_000) =>
    waitFor(probe, (value) => value !== undefined && value !== false, {
      what,
      timeoutMs,
      intervalMs: 50,
    }) as Promise<T>;

  async function deploymentOf(stackName: string, status: string): Promise<Deployment | undefined> {
    const found = await store.listDeploymentsByStatus(status as Deployment['status']);
    return found.find((d) => d.stack.stackName === stackName);
  }

  /** The deployment, once a person approved it through the host's approval shortcut. */
  async function approve(stackName: string): Promise<Deployment> {
    const waiting = await until(`${stackName} to await approval`, () =>
      deploymentOf(stackName, 'AWAITING_APPROVAL'),
    );
    // The host shows the request just after the deployment is written; approve once it has.
    await until(`the approval of ${waiting.id} to be accepted`, async () => {
      const answer = await fetch(`http://127.0.0.1:${port}/local/approve/${waiting.id}`, { method: 'POST' });
      const body = await answer.text();
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new Error(`approve answered ${answer.status}: ${body}`);
      return true;
    });
    return waiting;
  }

  /** How many stack operations the token started (its stack-level "User Initiated" events). */
  async function operationsStarted(stackName: string, token: string): Promise<number> {
    const { StackEvents = [] } = await cloudFormation.send(
      new DescribeStackEventsCommand({ StackName: stackName }),
    );
    return StackEvents.filter(
      (e) =>
        e.ClientRequestToken === token &&
        e.LogicalResourceId === stackName &&
        e.ResourceStatusReason === 'User Initiated',
    ).length;
  }

  async function executionStatus(deployment: Deployment): Promise<string | undefined> {
    const described = await cloudFormation.send(
      new DescribeChangeSetCommand({
        StackName: deployment.stack.stackName,
        ChangeSetName: deployment.changeSet!.id,
      }),
    );
    return described.ExecutionStatus;
  }

  it('runs the change set once when it died between the EXECUTING write and ExecuteChangeSet', async () => {
    host = await startDev();
    const revision = await push('before');
    // ExecuteChangeSet is held: the host has written EXECUTING and waits for the answer.
    cloud.faults.set({ rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', hold: true }] });
    const deployment = await approve('crash-before');
    await until('ExecuteChangeSet to be held', () => cloud.faults.held().length === 1);
    expect((await store.getDeployment(deployment.id))?.status).toBe('EXECUTING');

    await kill(host);
    await until('the held call to be abandoned', () => cloud.faults.counters().abandoned[EXECUTE] === 1);
    cloud.faults.clear();
    expect(await executionStatus(deployment)).toBe('AVAILABLE');

    host = await startDev();
    const done = await until('the deployment to end', async () => {
      const now = await store.getDeployment(deployment.id);
      return now?.status === 'SUCCEEDED' || now?.status === 'FAILED' ? now : undefined;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(await executionStatus(deployment)).toBe('EXECUTE_COMPLETE');
    expect(await operationsStarted('crash-before', deployment.id)).toBe(1);
    const state = await store.getStackState(stackKey({ stackName: 'crash-before', region: REGION }));
    expect(state?.lastAppliedRevision).toBe(revision);
    await until('the stack lock to be released', async () =>
      (await store.getStackState(stackKey({ stackName: 'crash-before', region: REGION })))?.lock
        ? undefined
        : true,
    );
    await kill(host);
  }, 120_000);

  it('closes from the change set evidence when it died between ExecuteChangeSet and its completion event', async () => {
    cloud.faults.resetCounters();
    // No schedules in this first host: only the completion event could close the deployment.
    host = await startDev(0);
    const revision = await push('after');
    // The completion event comes late: the host is dead by then.
    cloud.faults.set({ events: [{ status: 'CREATE_COMPLETE', delayMs: 2_000 }] });
    const deployment = await approve('crash-after');
    await until('ExecuteChangeSet to be called', () => (cloud.faults.counters().requests[EXECUTE] ?? 0) >= 1);
    await kill(host);
    await until('the stack operation to end', async () =>
      (await executionStatus(deployment)) === 'EXECUTE_COMPLETE' ? true : undefined,
    );
    expect((await store.getDeployment(deployment.id))?.status).toBe('EXECUTING');
    cloud.faults.clear();

    host = await startDev();
    const done = await until('the deployment to end', async () => {
      const now = await store.getDeployment(deployment.id);
      return now?.status === 'SUCCEEDED' || now?.status === 'FAILED' ? now : undefined;
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(await operationsStarted('crash-after', deployment.id)).toBe(1);
    const state = await store.getStackState(stackKey({ stackName: 'crash-after', region: REGION }));
    expect(state?.lastAppliedRevision).toBe(revision);
    await kill(host);
  }, 120_000);
});
