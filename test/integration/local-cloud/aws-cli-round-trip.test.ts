import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/net/free-port.ts';
import { waitFor } from '../../support/wait-for.ts';
import { canConnect } from './net-probe.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', '..', '..', 'cli', 'main.ts');

const TEMPLATE = JSON.stringify({
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
  },
});

/**
 * The drift round trip of issue "local cloud", driven by the AWS CLI (not the JS SDK)
 * against `converge cloud`: proves the wire protocols work for another SDK too.
 */
describe('the AWS CLI against converge cloud', () => {
  let child: ChildProcess;
  let endpoint: string;
  let port: number;
  // AWS CLI v1 fetches any parameter value that looks like a URL (a queue URL identifier)
  // unless told not to; a config file of the test's own also keeps the user's out.
  const home = mkdtempSync(join(tmpdir(), 'converge-aws-cli-'));
  const configFile = join(home, 'config');
  writeFileSync(configFile, '[default]\ncli_follow_urlparam = false\n');

  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  }

  const stackStatus = async () =>
    (
      (await aws('cloudformation', 'describe-stacks', '--stack-name', 'cli-trip')).Stacks as {
        StackStatus: string;
      }[]
    )[0]?.StackStatus;
  const changeSetStatus = async (name: string) =>
    (
      await aws(
        'cloudformation',
        'describe-change-set',
        '--stack-name',
        'cli-trip',
        '--change-set-name',
        name,
      )
    ).Status as string;
  async function detectDrift() {
    const { StackDriftDetectionId: id } = await aws(
      'cloudformation',
      'detect-stack-drift',
      '--stack-name',
      'cli-trip',
    );
    return waitFor(
      () =>
        aws(
          'cloudformation',
          'describe-stack-drift-detection-status',
          '--stack-drift-detection-id',
          String(id),
        ),
      (status) => status.DetectionStatus !== 'DETECTION_IN_PROGRESS',
      'drift detection',
    );
  }

  beforeAll(async () => {
    port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, 'cloud', '--port', String(port), '--no-dynamodb'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stderr?.resume();
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Press Ctrl+C to stop.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`converge cloud exited early with ${code}:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
    expect(await canConnect(port)).toBe(false);
  });

  it('deploys, sees out-of-band drift, reverts it with REVERT_DRIFT and ends IN_SYNC', async () => {
    // Deploy a new stack through a CREATE change set.
    await aws(
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'cli-trip',
      '--change-set-name',
      'create',
      '--change-set-type',
      'CREATE',
      '--template-body',
      TEMPLATE,
    );
    await waitFor(
      () => changeSetStatus('create'),
      (status) => status === 'CREATE_COMPLETE',
      'change set',
    );
    await aws(
      'cloudformation',
      'execute-change-set',
      '--stack-name',
      'cli-trip',
      '--change-set-name',
      'create',
    );
    expect(await waitFor(stackStatus, (status) => status === 'CREATE_COMPLETE', 'stack create')).toBe(
      'CREATE_COMPLETE',
    );

    // Change the queue out of band through Cloud Control.
    const resources = (await aws('cloudformation', 'list-stack-resources', '--stack-name', 'cli-trip'))
      .StackResourceSummaries as { LogicalResourceId: string; PhysicalResourceId: string }[];
    const queueUrl = resources.find((resource) => resource.LogicalResourceId === 'Queue')?.PhysicalResourceId;
    expect(queueUrl).toBeTruthy();
    await aws(
      'cloudcontrol',
      'update-resource',
      '--type-name',
      'AWS::SQS::Queue',
      '--identifier',
      String(queueUrl),
      '--patch-document',
      JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value: 99 }]),
    );

    // Drift detection sees exactly that property.
    expect((await detectDrift()).StackDriftStatus).toBe('DRIFTED');
    const drifts = (
      await aws(
        'cloudformation',
        'describe-stack-resource-drifts',
        '--stack-name',
        'cli-trip',
        '--stack-resource-drift-status-filters',
        'MODIFIED',
      )
    ).StackResourceDrifts as { LogicalResourceId: string; PropertyDifferences: Record<string, string>[] }[];
    expect(drifts).toHaveLength(1);
    expect(drifts[0]?.LogicalResourceId).toBe('Queue');
    expect(drifts[0]?.PropertyDifferences).toEqual([
      {
        PropertyPath: '/VisibilityTimeout',
        ExpectedValue: '30',
        ActualValue: '99',
        DifferenceType: 'NOT_EQUAL',
      },
    ]);

    // A drift-aware change set puts the template value back.
    await aws(
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'cli-trip',
      '--change-set-name',
      'revert',
      '--use-previous-template',
      '--deployment-mode',
      'REVERT_DRIFT',
    );
    await waitFor(
      () => changeSetStatus('revert'),
      (status) => status === 'CREATE_COMPLETE',
      'revert change set',
    );
    await aws(
      'cloudformation',
      'execute-change-set',
      '--stack-name',
      'cli-trip',
      '--change-set-name',
      'revert',
    );
    await waitFor(stackStatus, (status) => status === 'UPDATE_COMPLETE', 'stack update');

    const queue = await aws(
      'cloudcontrol',
      'get-resource',
      '--type-name',
      'AWS::SQS::Queue',
      '--identifier',
      String(queueUrl),
    );
    const properties = JSON.parse((queue.ResourceDescription as { Properties: string }).Properties) as Record<
      string,
      unknown
    >;
    expect(properties.VisibilityTimeout).toBe(30);
    expect((await detectDrift()).StackDriftStatus).toBe('IN_SYNC');
  });
});
