/**
 * What a failed conditional or transactional DynamoDB write means for the store:
 * - `condition`: a condition was false (single write), or the transaction item at `index` was;
 * - `contention`: a concurrent transaction held the item; the write may be retried;
 * - `other`: anything else, rethrown as it is.
 * Reasons of a cancelled transaction come in the order of its items, `None` for items that
 * were fine (TransactWriteItems, "TransactionCanceledException").
 */
export type WriteOutcome =
  | { readonly kind: 'condition'; readonly failedItems: readonly number[] }
  | { readonly kind: 'contention' }
  | { readonly kind: 'other' };

export function writeOutcome(error: unknown): WriteOutcome {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'ConditionalCheckFailedException') return { kind: 'condition', failedItems: [0] };
  if (name === 'TransactionConflictException') return { kind: 'contention' };
  if (name !== 'TransactionCanceledException') return { kind: 'other' };
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  const failedItems = codes.flatMap((code, index) => (code === 'ConditionalCheckFailed' ? [index] : []));
  if (failedItems.length > 0) return { kind: 'condition', failedItems };
  if (codes.includes('TransactionConflict')) return { kind: 'contention' };
  return { kind: 'other' };
}

/** A short, jittered pause before retrying a write that met a concurrent transaction. */
export function contentionPause(attempt: number): Promise<void> {
  const ms = Math.min(200, 10 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
