import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DriftRecord, DriftSweep, SweepStack } from '../../domain/drift/drift-sweep.ts';
import { SweepStackState } from '../../domain/drift/drift-sweep.ts';
import { ClaimRefusal, type ClaimResult, type DriftStore } from '../../ports/drift-store.ts';
import type { ListOptions } from '../../ports/store.ts';
import { requireLimit, requireText } from '../../ports/store-input.ts';
import { lazyDocumentClient, libDynamoDb } from './dynamodb-document-client.ts';
import type { Item } from './dynamodb-items.ts';
import { DynamoDbTable, type TransactItem } from './dynamodb-table.ts';
import { contentionPause } from './dynamodb-write-outcome.ts';

/** Keys of the drift items in Converge's single table (docs/drift.md). */
const Keys = {
  sweep: (id: string) => ({ pk: 'DRIFT_SWEEPS', sk: `SWEEP#${id}` }),
  stack: (sweepId: string, stackKey: string) => ({ pk: `DRIFT_SWEEP#${sweepId}`, sk: `STACK#${stackKey}` }),
  detection: (id: string) => ({ pk: `DRIFT_DETECTION#${id}`, sk: 'DETECTION' }),
  record: (r: Pick<DriftRecord, 'stackKey' | 'sweepId' | 'detectionId'>) => ({
    pk: `DRIFT#${r.stackKey}`,
    sk: `${r.sweepId}#${r.detectionId}`,
  }),
} as const;

const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'type']);
const BATCH = 25;
const MAX_ATTEMPTS = 10;

export interface DynamoDbDriftStoreOptions {
  readonly tableName: string;
  /** A DocumentClient, or a DynamoDBClient to wrap; one configured from the environment by default. */
  readonly client?: DynamoDBDocumentClient | DynamoDBClient;
}

/**
 * The {@link DriftStore} on Converge's DynamoDB table: sweeps in one partition (newest first),
 * each sweep's stacks in the sweep's partition, a pointer item per detection for events, drift
 * records per stack. Claims and settlements are transactions that move the stack item and the
 * sweep's `inFlight` together, so the bound holds across invocations.
 *
 * @example
 * const drift = new DynamoDbDriftStore({ tableName: config.tableName });
 */
export class DynamoDbDriftStore implements DriftStore {
  readonly #table: string;
  readonly #client: () => Promise<DynamoDBDocumentClient>;
  /** Reads, conditional writes and transactions, done as the deployment store does them. */
  readonly #items: DynamoDbTable;

  constructor(options: DynamoDbDriftStoreOptions) {
    this.#table = requireText('tableName', options.tableName);
    this.#client = lazyDocumentClient(options.client);
    this.#items = new DynamoDbTable({
      client: this.#client,
      tableName: this.#table,
      pageSize: undefined,
      maxAttempts: MAX_ATTEMPTS,
    });
  }

  async createSweep(sweep: DriftSweep, stacks: readonly SweepStack[]): Promise<boolean> {
    requireText('sweep.id', sweep.id);
    if (await this.getSweep(sweep.id)) return false;
    // Stacks first, the sweep last: a sweep is listed only once all its stacks are written.
    const items = stacks.map((s) => ({
      ...plain(s),
      ...Keys.stack(sweep.id, s.stackKey),
      type: 'drift-sweep-stack',
    }));
    const { BatchWriteCommand } = await libDynamoDb();
    for (let i = 0; i < items.length; i += BATCH) {
      let requests = items.slice(i, i + BATCH).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const out = await (await this.#client()).send(
          new BatchWriteCommand({ RequestItems: { [this.#table]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.#table] ?? []) as typeof requests;
        if (requests.length > 0) await contentionPause(Math.min(attempt, 6));
      }
    }
    return this.#items.putIf(
      {
        Item: { ...plain(sweep), ...Keys.sweep(sweep.id), type: 'drift-sweep' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      `drift-sweep#${sweep.id}`,
    );
  }

  async getSweep(sweepId: string): Promise<DriftSweep | undefined> {
    const item = await this.#get(Keys.sweep(requireText('sweepId', sweepId)));
    return item as DriftSweep | undefined;
  }

  async listSweeps(options?: ListOptions): Promise<readonly DriftSweep[]> {
    const items = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sweep)',
        ExpressionAttributeValues: { ':pk': 'DRIFT_SWEEPS', ':sweep': 'SWEEP#' },
        ScanIndexForward: false,
      },
      requireLimit(options),
    );
    return items as unknown as DriftSweep[];
  }

  async closeSweep(sweepId: string, at: string): Promise<boolean> {
    return this.#items.updateIf(
      {
        Key: Keys.sweep(requireText('sweepId', sweepId)),
        UpdateExpression: 'SET finishedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt)',
        ExpressionAttributeValues: { ':at': at },
      },
      `drift-sweep#${sweepId}`,
    );
  }

  async listSweepStacks(sweepId: string, state?: SweepStack['state']): Promise<readonly SweepStack[]> {
    const items = await this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :stack)',
      ...(state
        ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } }
        : {}),
      ExpressionAttributeValues: {
        ':pk': `DRIFT_SWEEP#${requireText('sweepId', sweepId)}`,
        ':stack': 'STACK#',
        ...(state ? { ':state': state } : {}),
      },
      ConsistentRead: true,
    });
    return items as unknown as SweepStack[];
  }

  async getSweepStack(sweepId: string, stackKey: string): Promise<SweepStack | undefined> {
    return (await this.#get(Keys.stack(sweepId, stackKey))) as SweepStack | undefined;
  }

  async claimStack(
    sweepId: string,
    stackKey: string,
    owner: string,
    now: number,
    claimExpiresAt: number,
  ): Promise<ClaimResult> {
    requireText('owner', owner);
    const current = await this.getSweepStack(sweepId, stackKey);
    if (!current) return { claimed: false, why: ClaimRefusal.TAKEN };

    // A claim whose invocation died before DetectStackDrift answered: take it over, slot and all.
    if (current.state === SweepStackState.DETECTING) {
      const retaken = await this.#items.updateIf(
        {
          Key: Keys.stack(sweepId, stackKey),
          UpdateExpression: 'SET claimedBy = :owner, claimExpiresAt = :expires',
          ConditionExpression:
            '#state = :detecting AND attribute_not_exists(detectionId) AND claimExpiresAt <= :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':expires': claimExpiresAt,
            ':detecting': SweepStackState.DETECTING,
            ':now': now,
          },
        },
        stackSubject(sweepId, stackKey),
      );
      return retaken ? { claimed: true } : { claimed: false, why: ClaimRefusal.TAKEN };
    }

    // pending → detecting, and a slot of the sweep, in one transaction.
    const failed = await this.#transact(
      [
        {
          Update: {
            TableName: this.#table,
            Key: Keys.stack(sweepId, stackKey),
            UpdateExpression: 'SET #state = :detecting, claimedBy = :owner, claimExpiresAt = :expires',
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':detecting': SweepStackState.DETECTING,
              ':pending': SweepStackState.PENDING,
              ':owner': owner,
              ':expires': claimExpiresAt,
            },
          },
        },
        this.#inFlight(sweepId, +1),
      ],
      stackSubject(sweepId, stackKey),
    );
    if (failed === undefined) return { claimed: true };
    return { claimed: false, why: failed.includes(0) ? ClaimRefusal.TAKEN : ClaimRefusal.FULL };
  }

  async recordDetection(
    sweepId: string,
    stackKey: string,
    owner: string,
    detectionId: string,
    at: string,
  ): Promise<boolean> {
    requireText('detectionId', detectionId);
    const failed = await this.#transact(
      [
        {
          Update: {
            TableName: this.#table,
            Key: Keys.stack(sweepId, stackKey),
            UpdateExpression: 'SET detectionId = :id, startedAt = :at',
            ConditionExpression:
              '#state = :detecting AND claimedBy = :owner AND attribute_not_exists(detectionId)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':id': detectionId,
              ':at': at,
              ':detecting': SweepStackState.DETECTING,
              ':owner': owner,
            },
          },
        },
        {
          Put: {
            TableName: this.#table,
            Item: { ...Keys.detection(detectionId), type: 'drift-detection', sweepId, stackKey },
          },
        },
      ],
      stackSubject(sweepId, stackKey),
    );
    return failed === undefined;
  }

  async releaseStack(sweepId: string, stackKey: string, owner: string): Promise<boolean> {
    const failed = await this.#transact(
      [
        {
          Update: {
            TableName: this.#table,
            Key: Keys.stack(sweepId, stackKey),
            UpdateExpression: 'SET #state = :pending REMOVE claimedBy, claimExpiresAt',
            ConditionExpression:
              '#state = :detecting AND claimedBy = :owner AND attribute_not_exists(detectionId)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':pending': SweepStackState.PENDING,
              ':detecting': SweepStackState.DETECTING,
              ':owner': owner,
            },
          },
        },
        this.#inFlight(sweepId, -1),
      ],
      stackSubject(sweepId, stackKey),
    );
    return failed === undefined;
  }

  async settleStack(
    sweepId: string,
    stackKey: string,
    from: { state: SweepStack['state']; detectionId?: string },
    outcome: Pick<SweepStack, 'state' | 'action' | 'reason' | 'finishedAt'>,
  ): Promise<boolean> {
    const fields = Object.entries(plain(outcome));
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':from': from.state };
    const sets = fields.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    if (from.detectionId !== undefined) values[':detectionId'] = from.detectionId;
    const update: TransactItem = {
      Update: {
        TableName: this.#table,
        Key: Keys.stack(sweepId, stackKey),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#state = :from${from.detectionId !== undefined ? ' AND detectionId = :detectionId' : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
    const items = from.state === SweepStackState.DETECTING ? [update, this.#inFlight(sweepId, -1)] : [update];
    return (await this.#transact(items, stackSubject(sweepId, stackKey))) === undefined;
  }

  async findDetection(detectionId: string): Promise<{ sweepId: string; stackKey: string } | undefined> {
    const item = await this.#get(Keys.detection(requireText('detectionId', detectionId)));
    return item ? { sweepId: String(item.sweepId), stackKey: String(item.stackKey) } : undefined;
  }

  async saveDriftRecord(record: DriftRecord): Promise<void> {
    requireText('record.stackKey', record.stackKey);
    const { PutCommand } = await libDynamoDb();
    await (await this.#client()).send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...plain(record), ...Keys.record(record), type: 'drift-record' },
      }),
    );
  }

  async listDriftRecords(stackKey: string, options?: ListOptions): Promise<readonly DriftRecord[]> {
    const items = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `DRIFT#${requireText('stackKey', stackKey)}` },
        ScanIndexForward: false,
      },
      requireLimit(options),
    );
    return items as unknown as DriftRecord[];
  }

  /** `inFlight ± 1` on the sweep; going up only below `maxConcurrency`. */
  #inFlight(sweepId: string, delta: 1 | -1): TransactItem {
    return {
      Update: {
        TableName: this.#table,
        Key: Keys.sweep(sweepId),
        UpdateExpression: 'SET inFlight = inFlight + :delta',
        ConditionExpression: delta > 0 ? 'inFlight < maxConcurrency' : 'inFlight > :zero',
        ExpressionAttributeValues: delta > 0 ? { ':delta': 1 } : { ':delta': -1, ':zero': 0 },
      },
    };
  }

  /** Runs a transaction; undefined when written, else the indexes of the items whose condition failed. */
  async #transact(items: TransactItem[], subject: string): Promise<readonly number[] | undefined> {
    let failed: readonly number[] | undefined;
    const onCondition = (failedItems: readonly number[]) => {
      failed = failedItems;
    };
    for (let attempt = 1; ; attempt++) {
      if (await this.#items.transactOnce(items, attempt, subject, onCondition)) return undefined;
      if (failed) return failed;
    }
  }

  async #get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const item = await this.#items.get(key);
    return item ? withoutKeys(item) : undefined;
  }

  async #query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
    return (await this.#items.query(input, limit)).map(withoutKeys);
  }
}

/** What a contended write of one sweep stack names. */
function stackSubject(sweepId: string, stackKey: string): string {
  return `drift-sweep#${sweepId}/${stackKey}`;
}

function withoutKeys(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !KEY_ATTRIBUTES.has(name)));
}

/** JSON data only: drops undefined fields, which DynamoDB cannot store. */
function plain<T>(value: T): Item {
  return JSON.parse(JSON.stringify(value)) as Item;
}
