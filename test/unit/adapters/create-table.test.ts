import { describe, expect, it } from 'vitest';
import { createTableInput } from '../../../shared/adapters/aws/create-table.ts';
import { TableIndex, TableSchema } from '../../../shared/domain/table/table-schema.ts';

describe('createTableInput', () => {
  const input = createTableInput('converge');

  it('defines every key attribute of the table and its indexes exactly once, as strings', () => {
    expect(input.AttributeDefinitions).toEqual(
      ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
    );
  });

  it('keys the table on pk and sk', () => {
    expect(input.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('builds the two indexes the store queries, projecting whole deployments', () => {
    expect(input.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      TableIndex.BY_STACK,
      TableIndex.BY_STATUS,
    ]);
    expect(input.GlobalSecondaryIndexes?.every((index) => index.Projection?.ProjectionType === 'ALL')).toBe(
      true,
    );
  });

  it('bills per request and names the TTL attribute deliveries carry', () => {
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(TableSchema.timeToLiveAttribute).toBe('ttl');
  });
});
