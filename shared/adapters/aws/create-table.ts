import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TableSchema } from '../../domain/table/table-schema.ts';

/** The CreateTable request for {@link TableSchema}, named `tableName`. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const keys = [
    TableSchema.partitionKey,
    TableSchema.sortKey,
    ...TableSchema.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: TableSchema.billingMode,
    AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: TableSchema.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TableSchema.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TableSchema.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
  };
}

/**
 * Creates the table (and turns on its TTL attribute) and waits until it is active. For the
 * local host and tests; in AWS the CDK app owns the table.
 *
 * @example
 * const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1' });
 * await createTable(client, 'converge');
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TableSchema.timeToLiveAttribute, Enabled: true },
    }),
  );
}
