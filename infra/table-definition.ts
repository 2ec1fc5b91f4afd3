/**
 * The shape of Converge's one DynamoDB table as the CDK app creates it. The store adapter
 * (`shared/adapters/aws/`) reads and writes these attribute names; keep the two in step.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Deployments by stack and by status (reconcile lists EXECUTING, expiry lists AWAITING_APPROVAL). */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds; DynamoDB deletes expired items lazily, so reads check expiry themselves. */
  timeToLiveAttribute: 'expiresAt',
} as const;
