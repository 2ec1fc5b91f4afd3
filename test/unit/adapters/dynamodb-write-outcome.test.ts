import { describe, expect, it } from 'vitest';
import { writeOutcome } from '../../../shared/adapters/aws/dynamodb-write-outcome.ts';

function cancelled(...codes: string[]) {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function named(name: string) {
  return Object.assign(new Error(name), { name });
}

describe('writeOutcome', () => {
  it.each([
    [
      'a single write whose condition failed',
      named('ConditionalCheckFailedException'),
      { kind: 'condition', failedItems: [0] },
    ],
    [
      'a transaction whose second item failed its condition',
      cancelled('None', 'ConditionalCheckFailed', 'None'),
      { kind: 'condition', failedItems: [1] },
    ],
    [
      'a transaction with two failed conditions',
      cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'),
      { kind: 'condition', failedItems: [0, 1] },
    ],
    [
      'a condition failure next to a conflict',
      cancelled('TransactionConflict', 'ConditionalCheckFailed'),
      { kind: 'condition', failedItems: [1] },
    ],
    [
      'a transaction that met a concurrent one',
      cancelled('None', 'TransactionConflict'),
      { kind: 'contention' },
    ],
    ['a single write that met a transaction', named('TransactionConflictException'), { kind: 'contention' }],
    ['a transaction cancelled for validation', cancelled('ValidationError', 'None'), { kind: 'other' }],
    ['a throttled request', named('ProvisionedThroughputExceededException'), { kind: 'other' }],
    ['something that is not an error', 'boom', { kind: 'other' }],
  ])('reads %s', (_what, error, expected) => {
    expect(writeOutcome(error)).toEqual(expected);
  });
});
