import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/net/free-port.ts';
import { clientConfig } from './fake-services.ts';
import { canConnect } from './net-probe.ts';

const MAIN = join(import.meta.dirname, '..', '..', '..', 'cli', 'main.ts');

describe('converge cloud', () => {
  let child: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'cloud', '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.resume();
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Press Ctrl+C to stop.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`converge cloud exited early with ${code}:\n${output}`)));
    });
  });
  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  });

  it('prints the endpoint and the environment that points SDKs at it', () => {
    expect(output).toContain(`Local cloud listening on http://127.0.0.1:${port}`);
    expect(output).toContain(`export AWS_ENDPOINT_URL=http://127.0.0.1:${port}`);
    expect(output).toMatch(/AWS_ACCESS_KEY_ID=\S+/);
    expect(output).toMatch(/AWS_REGION=\S+/);
  });

  it('serves S3 and DynamoDB on the printed endpoint', async () => {
    const endpoint = `http://127.0.0.1:${port}`;
    const s3 = new S3Client({ ...clientConfig(endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'from-cli' }));
    const buckets = await s3.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((bucket) => bucket.Name)).toEqual(['from-cli']);
    const tables = await new DynamoDBClient(clientConfig(endpoint)).send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual([]);
  });

  it('stops the server and DynamoDB Local on SIGTERM', async () => {
    const dynamodbPid = Number(/pid (\d+)/.exec(output)?.[1]);
    expect(dynamodbPid).toBeGreaterThan(0);
    const exited = once(child, 'exit');
    process.kill(child.pid!, 'SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(canConnect(port)).resolves.toBe(false);
    expect(() => process.kill(dynamodbPid, 0)).toThrow();
  });
});

describe('converge cloud with bad input', () => {
  it.each([
    [['--port', 'abc'], /--port must be a whole number from 1 to 65535, got 'abc'/],
    [['--event-target', 'ftp://x', '--no-dynamodb'], /eventTargets must be http\(s\) URLs/],
  ])('refuses %j with a message that says what to fix', async (args, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'cloud', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr?.on('data', (chunk) => {
      errors += chunk;
    });
    child.stdout?.resume();
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(errors).toMatch(message);
  });
});
