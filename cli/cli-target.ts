import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbDriftStore } from '../shared/adapters/aws/dynamodb-drift-store.ts';
import { DynamoDbStore } from '../shared/adapters/aws/dynamodb-store.ts';
import { systemClock } from '../shared/adapters/system/system-clock.ts';
import type { DriftStore } from '../shared/ports/drift-store.ts';
import type { Store } from '../shared/ports/store.ts';
import { findDevState } from './dev-state.ts';

/** Where the CLI reads Converge's state: a running `converge dev`, or a table in AWS. */
export interface CliTarget {
  readonly description: string;
  readonly store: Store;
  readonly drift: DriftStore;
  readonly clock: { now(): number };
}

/** The CLI cannot tell which Converge to talk to; the message says how to name one. */
export class CliTargetMissingError extends Error {
  constructor() {
    super(
      'No running `converge dev` found (.converge/dev.json in this folder or above) and no table named: start `npm start`, or pass --table NAME --region REGION (or set CONVERGE_TABLE_NAME and AWS_REGION) for Converge in AWS.',
    );
    this.name = 'CliTargetMissingError';
  }
}

export interface TargetOptions {
  readonly table?: string;
  readonly region?: string;
}

/**
 * The Converge a command talks to: `--table`/`--region` (or `CONVERGE_TABLE_NAME`/`AWS_REGION`)
 * name a deployment in AWS, with the SDK's usual credentials and endpoint variables; otherwise the
 * `converge dev` running in this project.
 *
 * @throws CliTargetMissingError when neither is there.
 */
export function cliTarget(
  options: TargetOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): CliTarget {
  const table = options.table ?? env.CONVERGE_TABLE_NAME;
  if (table) {
    const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    const client = new DynamoDBClient(region ? { region } : {});
    return {
      description: `table ${table}${region ? ` in ${region}` : ''}`,
      store: new DynamoDbStore({ tableName: table, client }),
      drift: new DynamoDbDriftStore({ tableName: table, client }),
      clock: systemClock,
    };
  }
  const dev = findDevState(cwd);
  if (!dev) throw new CliTargetMissingError();
  const client = new DynamoDBClient({
    region: options.region ?? dev.region,
    endpoint: dev.cloudEndpoint,
    // The local cloud accepts any credentials; never send real ones to it.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    description: `converge dev at ${dev.url}`,
    store: new DynamoDbStore({ tableName: dev.tableName, client }),
    drift: new DynamoDbDriftStore({ tableName: dev.tableName, client }),
    clock: systemClock,
  };
}
