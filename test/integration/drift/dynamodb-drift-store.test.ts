import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/start-dynamodb-local.ts';
import { createTable } from '../../../shared/adapters/aws/create-table.ts';
import { DynamoDbDriftStore } from '../../../shared/adapters/aws/dynamodb-drift-store.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import { aSweep, aSweepStack, driftStoreContract } from '../../support/drift-store-contract.ts';

let db: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

driftStoreContract('DynamoDbDriftStore', async () => {
  const tableName = `drift-${++tables}`;
  await createTable(client, tableName);
  return new DynamoDbDriftStore({ tableName, client });
});

describe('DynamoDbStore.listStackStates', () => {
  it('lists every stack with state, in stack-key order, and nothing else in the table', async () => {
    const tableName = `drift-${++tables}`;
    await createTable(client, tableName);
    const store = new DynamoDbStore({ tableName, client, pageSize: 1 });
    const drift = new DynamoDbDriftStore({ tableName, client });
    await drift.createSweep(aSweep('01KJGX0000000000000000000A'), [
      aSweepStack('01KJGX0000000000000000000A', 'x'),
    ]);
    await store.recordApplied(
      'default/eu-west-1/b',
      'a1'.repeat(20),
      '01KJGX0000000000000000000A',
      '2026-03-01T09:00:00.000Z',
    );
    await store.acquireLock('default/eu-west-1/a', 'owner', Date.parse('2026-03-01T09:00:00.000Z'), 60_000);

    const states = await store.listStackStates();

    expect(states.map((s) => s.stackKey)).toEqual(['default/eu-west-1/a', 'default/eu-west-1/b']);
    expect(states[1]).toMatchObject({ lastAppliedRevision: 'a1'.repeat(20) });
  });
});
