import type {
  DynamoDBDocumentClient,
  PutCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StoreConflict, StoreConflictError } from '../../ports/store-errors.ts';
import { libDynamoDb } from './dynamodb-document-client.ts';
import type { Item, Key } from './dynamodb-items.ts';
import { contentionPause, writeOutcome } from './dynamodb-write-outcome.ts';

/** One action of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Settings of {@link DynamoDbTable}. */
export interface DynamoDbTableSettings {
  /** The DocumentClient, made on first use (see `lazyDocumentClient`). */
  readonly client: () => Promise<DynamoDBDocumentClient>;
  readonly tableName: string;
  /** Items per Query page; DynamoDB's own 1 MB pages when undefined. */
  readonly pageSize: number | undefined;
  /** Attempts of a write that keeps meeting concurrent transactions. */
  readonly maxAttempts: number;
}

/**
 * The table operations the DynamoDB store is built from: consistent reads, queries that
 * read every page, and conditional writes that report a false condition as a value and
 * retry when a concurrent transaction held the item.
 */
export class DynamoDbTable {
  readonly name: string;
  readonly #client: () => Promise<DynamoDBDocumentClient>;
  readonly #pageSize: number | undefined;
  readonly #maxAttempts: number;

  constructor(settings: DynamoDbTableSettings) {
    this.name = settings.tableName;
    this.#client = settings.client;
    this.#pageSize = settings.pageSize;
    this.#maxAttempts = settings.maxAttempts;
  }

  /** A strongly consistent read of one item. */
  async get(key: Key): Promise<Item | undefined> {
    const { GetCommand } = await libDynamoDb();
    const { Item: item } = await (await this.#client()).send(
      new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }),
    );
    return item;
  }

  /** Deletes one item; deleting an item that is not there succeeds. */
  async delete(key: Key): Promise<void> {
    const { DeleteCommand } = await libDynamoDb();
    await (await this.#client()).send(new DeleteCommand({ TableName: this.name, Key: key }));
  }

  /** Every page of a query, up to `limit` items. */
  async query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
    const { QueryCommand } = await libDynamoDb();
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      const page = await (await this.#client()).send(
        new QueryCommand({
          ...input,
          TableName: this.name,
          ExclusiveStartKey: start,
          Limit: this.#pageSize ?? remaining,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));
    return items.slice(0, limit);
  }

  /** Every page of a consistent scan (for rare whole-table reads such as the drift sweep's stack list). */
  async scan(input: Omit<ScanCommandInput, 'TableName'>): Promise<Item[]> {
    const { ScanCommand } = await libDynamoDb();
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await (await this.#client()).send(
        new ScanCommand({
          ...input,
          TableName: this.name,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...(this.#pageSize ? { Limit: this.#pageSize } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** A put that returns false, writing nothing, when its condition is false. */
  async putIf(input: Omit<PutCommandInput, 'TableName'>, subject: string): Promise<boolean> {
    const { PutCommand } = await libDynamoDb();
    return this.#retrying(subject, async () => {
      await (await this.#client()).send(new PutCommand({ ...input, TableName: this.name }));
    });
  }

  /** An update that returns false, writing nothing, when its condition is false. */
  async updateIf(input: Omit<UpdateCommandInput, 'TableName'>, subject: string): Promise<boolean> {
    const { UpdateCommand } = await libDynamoDb();
    return this.#retrying(subject, async () => {
      await (await this.#client()).send(new UpdateCommand({ ...input, TableName: this.name }));
    });
  }

  /**
   * One transaction attempt. True when written; false when a condition failed (the caller
   * reads again) or a concurrent transaction held an item (after a short pause).
   * `onCondition` receives the indexes of the items whose condition failed and may throw
   * the conflict they mean. After `maxAttempts` attempts it throws CONTENDED.
   */
  async transactOnce(
    items: TransactItem[],
    attempt: number,
    subject: string,
    onCondition?: (failedItems: readonly number[]) => void,
  ): Promise<boolean> {
    const { TransactWriteCommand } = await libDynamoDb();
    try {
      await (await this.#client()).send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const outcome = writeOutcome(error);
      if (outcome.kind === 'other') throw error;
      if (outcome.kind === 'condition') onCondition?.(outcome.failedItems);
      if (attempt >= this.#maxAttempts) throw contended(subject, attempt);
      if (outcome.kind === 'contention') await contentionPause(attempt);
      return false;
    }
  }

  /** A transaction retried while it meets concurrent ones; `onCondition` must throw. */
  async transact(
    items: TransactItem[],
    subject: string,
    onCondition: (failedItems: readonly number[]) => never,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await this.transactOnce(items, attempt, subject, onCondition)) return;
    }
  }

  async #retrying(subject: string, write: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return true;
      } catch (error) {
        const outcome = writeOutcome(error);
        if (outcome.kind === 'condition') return false;
        if (outcome.kind === 'other') throw error;
        if (attempt >= this.#maxAttempts) throw contended(subject, attempt);
        await contentionPause(attempt);
      }
    }
  }
}

function contended(subject: string, attempts: number): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.CONTENDED,
    subject,
    message: `Writing ${subject} kept meeting concurrent transactions and was given up after ${attempts} attempts; retry later.`,
  });
}
