import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/**
 * The single DynamoDB table of Converge, as plain data (docs/dynamodb-table.md explains each
 * key). The CDK app and the local host both build the table from this, so they cannot drift
 * apart. Attribute types use DynamoDB's letters, which are also the values of CDK's
 * `AttributeType` (`'S'` is `AttributeType.STRING`).
 */
export const TableSchema = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      /** Deployments of one stack, ordered by creation: `STACK#<stackKey>` / `<createdAt>#<id>`. */
      indexName: 'byStack',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'ALL',
    },
    {
      /** Deployments in one status, ordered by creation: `STATUS#<status>` / `<createdAt>#<id>`. */
      indexName: 'byStatus',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'ALL',
    },
  ],
  /**
   * Epoch seconds after which DynamoDB may delete an item (webhook deliveries). Deletion is
   * lazy, so correctness never depends on it: expiry is checked in conditions.
   */
  timeToLiveAttribute: 'ttl',
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** Names of the secondary indexes, for queries. */
export const TableIndex = { BY_STACK: 'byStack', BY_STATUS: 'byStatus' } as const;

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
