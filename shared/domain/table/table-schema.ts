/**
 * The single DynamoDB table of Converge, as plain data (docs/dynamodb-table.md explains each
 * key). The CDK app, the DynamoDB adapter and the local host all read it from here (infra may not
 * import adapters, so the design lives outside them), so they cannot drift
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
