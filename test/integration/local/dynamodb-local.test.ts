import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/start-dynamodb-local.ts';

describe('startDynamoDbLocal', () => {
  let db: DynamoDbLocal;
  beforeAll(async () => {
    db = await startDynamoDbLocal();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('serves the DynamoDB API on a loopback endpoint', async () => {
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'probe',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toEqual(['probe']);
  });

  it('stops its own process', async () => {
    const other = await startDynamoDbLocal();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
