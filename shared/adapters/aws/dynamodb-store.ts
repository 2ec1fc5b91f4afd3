import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Approval } from '../../domain/approval/approval.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { sortableIds } from '../../domain/ids.ts';
import type {
  AuditInput,
  AuditRecord,
  DeploymentPatch,
  ListOptions,
  StackState,
  Store,
} from '../../ports/store.ts';
import {
  changeSetChanged,
  DeploymentNotFoundError,
  duplicateVote,
  StoreConflict,
  StoreConflictError,
  StoreInputError,
  statusChanged,
} from '../../ports/store-errors.ts';
import {
  applyPatch,
  checkApproval,
  checkAudit,
  checkDeployment,
  checkPatch,
  requireDuration,
  requireEpochMs,
  requireInstant,
  requireLimit,
  requireSortableId,
  requireStatus,
  requireText,
} from '../../ports/store-input.ts';
import {
  APPROVAL_PREFIX,
  auditPartition,
  fromApprovalItem,
  fromAuditItem,
  fromDeploymentItem,
  fromStackItem,
  type Item,
  ItemKey,
  stackPartition,
  statusPartition,
  toApprovalItem,
  toAuditItem,
  toDeploymentItem,
} from './dynamodb-items.ts';
import { contentionPause, writeOutcome } from './dynamodb-write-outcome.ts';
import { TableIndex } from './table-schema.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Options of {@link DynamoDbStore}. */
export interface DynamoDbStoreOptions {
  /** The table built from `TableSchema` (table-schema.ts). */
  readonly tableName: string;
  /**
   * The client: a DocumentClient, or a DynamoDBClient to wrap in one. Defaults to a client
   * configured from the environment (region, credentials, `AWS_ENDPOINT_URL_DYNAMODB`).
   */
  readonly client?: DynamoDBDocumentClient | DynamoDBClient;
  /** Makes audit record ids; a monotonic sortable id generator by default. */
  readonly newId?: (timeMs: number) => string;
  /** Items per Query page; DynamoDB's own 1 MB pages when omitted (tests set it small). */
  readonly pageSize?: number;
  /** Attempts of a write that keeps meeting concurrent transactions (default 10). */
  readonly maxAttempts?: number;
}

const OPTION_NAMES = new Set(['tableName', 'client', 'newId', 'pageSize', 'maxAttempts']);
const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * The {@link Store} on one DynamoDB table (docs/dynamodb-table.md). Status changes are
 * conditional writes in a transaction with their audit record; a lost race throws
 * StoreConflictError and writes nothing.
 *
 * @example
 * const store = new DynamoDbStore({ tableName: config.tableName });
 * const local = new DynamoDbStore({ tableName: 'converge', client: new DynamoDBClient({ endpoint }) });
 */
export class DynamoDbStore implements Store {
  readonly #table: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #newId: (timeMs: number) => string;
  readonly #pageSize: number | undefined;
  readonly #maxAttempts: number;

  constructor(options: DynamoDbStoreOptions) {
    const unknown = Object.keys(options ?? {}).filter((name) => !OPTION_NAMES.has(name));
    if (unknown.length > 0) {
      throw new StoreInputError(
        `DynamoDbStore does not know the option(s) ${unknown.join(', ')}; use ${[...OPTION_NAMES].join(', ')}.`,
      );
    }
    this.#table = requireText('tableName', options.tableName);
    this.#client = documentClient(options.client ?? new DynamoDBClient({}));
    this.#newId = options.newId ?? sortableIds((size) => randomBytes(size));
    this.#pageSize = options.pageSize === undefined ? undefined : requireLimit({ limit: options.pageSize });
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async createDeployment(deployment: Deployment, audit: AuditInput): Promise<void> {
    checkDeployment(deployment);
    const auditItem = this.#auditItem(audit, checkAudit(audit));
    await this.#transact(
      [
        {
          Put: {
            TableName: this.#table,
            Item: toDeploymentItem(deployment),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditItem,
      ],
      () => {
        throw new StoreConflictError({
          conflict: StoreConflict.ALREADY_EXISTS,
          subject: `deployment#${deployment.id}`,
          message: `Deployment ${deployment.id} already exists; make a new id for a new deployment.`,
        });
      },
    );
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    requireText('id', id);
    return this.#readDeployment(id);
  }

  async listDeployments(stackKey: string, options?: ListOptions): Promise<readonly Deployment[]> {
    requireText('stackKey', stackKey);
    const items = await this.#query(
      {
        IndexName: TableIndex.BY_STACK,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': stackPartition(stackKey) },
        ScanIndexForward: false,
      },
      requireLimit(options),
    );
    return items.map(fromDeploymentItem);
  }

  async listDeploymentsByStatus(
    status: DeploymentStatus,
    options?: ListOptions,
  ): Promise<readonly Deployment[]> {
    requireStatus('status', status);
    const items = await this.#query(
      {
        IndexName: TableIndex.BY_STATUS,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': statusPartition(status) },
        ScanIndexForward: false,
      },
      requireLimit(options),
    );
    return items.map(fromDeploymentItem);
  }

  async transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment> {
    requireText('id', id);
    requireStatus('from', from);
    checkPatch(next);
    const auditAt = checkAudit(audit);
    // Read, check, then write conditionally on the status and version read; a write that
    // lost to another writer reads again, so the conflict reports what that writer did.
    for (let attempt = 1; ; attempt++) {
      const current = await this.#readDeployment(id);
      if (!current) throw new DeploymentNotFoundError(id);
      if (current.status !== from) throw statusChanged(id, from, current.status);
      const updated = applyPatch(current, next);
      const written = await this.#transactOnce(
        [this.#putIfUnchanged(current, updated), this.#auditItem(audit, auditAt)],
        attempt,
      );
      if (written) return updated;
    }
  }

  async recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
  ): Promise<void> {
    checkApproval(approval);
    if (transition) {
      requireStatus('transition.from', transition.from);
      checkPatch(transition.next);
    }
    const auditAt = checkAudit(audit);
    for (let attempt = 1; ; attempt++) {
      const current = await this.#readDeployment(approval.deploymentId);
      if (!current) throw new DeploymentNotFoundError(approval.deploymentId);
      if (current.changeSet?.id !== approval.changeSetId)
        throw changeSetChanged(approval, current.changeSet?.id);
      if (transition && current.status !== transition.from) {
        throw statusChanged(current.id, transition.from, current.status);
      }
      // One transaction: the vote (one per approver), the deployment (changed, or checked
      // to still carry the change set voted on) and the audit record.
      const deploymentItem: TransactItem = transition
        ? this.#putIfUnchanged(current, applyPatch(current, transition.next))
        : {
            ConditionCheck: {
              TableName: this.#table,
              Key: ItemKey.deployment(current.id),
              ConditionExpression: 'changeSet.#id = :changeSetId',
              ExpressionAttributeNames: { '#id': 'id' },
              ExpressionAttributeValues: { ':changeSetId': approval.changeSetId },
            },
          };
      const voteItem: TransactItem = {
        Put: {
          TableName: this.#table,
          Item: toApprovalItem(approval),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      const written = await this.#transactOnce(
        [deploymentItem, voteItem, this.#auditItem(audit, auditAt)],
        attempt,
        (failedItems) => {
          if (!failedItems.includes(0) && failedItems.includes(1)) throw duplicateVote(approval);
        },
      );
      if (written) return;
    }
  }

  async listApprovals(deploymentId: string): Promise<readonly Approval[]> {
    requireText('deploymentId', deploymentId);
    const items = await this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ItemKey.deployment(deploymentId).pk, ':prefix': APPROVAL_PREFIX },
      ConsistentRead: true,
    });
    const votes = items.map(fromApprovalItem);
    return votes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.approver < b.approver ? -1 : 1));
  }

  async getStackState(stackKey: string): Promise<StackState | undefined> {
    requireText('stackKey', stackKey);
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: ItemKey.stack(stackKey), ConsistentRead: true }),
    );
    return item ? fromStackItem(item) : undefined;
  }

  /**
   * Scans for stack items (`STACK#…` / `STATE`): the table has no index of stacks, and the drift
   * sweep that calls this runs a few times a day, so reading the table once is cheaper than an
   * index written on every state change.
   */
  async listStackStates(): Promise<readonly StackState[]> {
    const states: StackState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: 'sk = :state AND begins_with(pk, :stack)',
          ExpressionAttributeValues: { ':state': 'STATE', ':stack': 'STACK#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...(this.#pageSize ? { Limit: this.#pageSize } : {}),
        }),
      );
      states.push(...(page.Items ?? []).map(fromStackItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return states.sort((a, b) => (a.stackKey < b.stackKey ? -1 : a.stackKey > b.stackKey ? 1 : 0));
  }

  async recordAttempt(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
  ): Promise<boolean> {
    return this.#recordOrdered('lastAttempted', stackKey, revision, deploymentId, at);
  }

  async recordApplied(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
  ): Promise<boolean> {
    return this.#recordOrdered('lastApplied', stackKey, revision, deploymentId, at);
  }

  async acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    requireEpochMs('now', now);
    requireDuration('leaseMs', leaseMs);
    return this.#updateIf({
      Key: ItemKey.stack(stackKey),
      UpdateExpression: 'SET stackKey = :stackKey, lockOwner = :owner, lockExpiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(lockOwner) OR lockExpiresAt <= :now OR lockOwner = :owner',
      ExpressionAttributeValues: {
        ':stackKey': stackKey,
        ':owner': owner,
        ':expiresAt': now + leaseMs,
        ':now': now,
      },
    });
  }

  async releaseLock(stackKey: string, owner: string): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    return this.#updateIf({
      Key: ItemKey.stack(stackKey),
      UpdateExpression: 'REMOVE lockOwner, lockExpiresAt',
      ConditionExpression: 'lockOwner = :owner',
      ExpressionAttributeValues: { ':owner': owner },
    });
  }

  async recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean> {
    requireText('deliveryId', deliveryId);
    requireEpochMs('now', now);
    requireDuration('ttlMs', ttlMs);
    const expiresAt = now + ttlMs;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...ItemKey.delivery(deliveryId),
            type: 'delivery',
            deliveryId,
            expiresAt,
            ttl: Math.ceil(expiresAt / 1000),
          },
          // An entry still stored but past its expiry counts as absent: TTL deletion is lazy.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (writeOutcome(error).kind === 'condition') return false;
      throw error;
    }
  }

  async appendAudit(audit: AuditInput): Promise<void> {
    await this.#client.send(new PutCommand(this.#auditPut(audit, checkAudit(audit))));
  }

  async listAudit(subject: string, options?: ListOptions): Promise<readonly AuditRecord[]> {
    requireText('subject', subject);
    const items = await this.#query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': auditPartition(subject) },
        ConsistentRead: true,
      },
      requireLimit(options),
    );
    return items.map(fromAuditItem);
  }

  async #readDeployment(id: string): Promise<Deployment | undefined> {
    const { Item: item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: ItemKey.deployment(id), ConsistentRead: true }),
    );
    return item ? fromDeploymentItem(item) : undefined;
  }

  /** Replaces a deployment only while it still has the status and version that were read. */
  #putIfUnchanged(current: Deployment, updated: Deployment): TransactItem {
    return {
      Put: {
        TableName: this.#table,
        Item: toDeploymentItem(updated),
        ConditionExpression: '#status = :status AND #version = :version',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':status': current.status, ':version': current.version },
      },
    };
  }

  #auditItem(audit: AuditInput, canonicalAt: string): TransactItem {
    return { Put: this.#auditPut(audit, canonicalAt) };
  }

  /** An audit record sorts by its instant, then by its id (write order within one process). */
  #auditPut(audit: AuditInput, canonicalAt: string) {
    const id = this.#newId(Date.parse(canonicalAt));
    const record: AuditRecord = { ...audit, id };
    return {
      TableName: this.#table,
      Item: toAuditItem(record, `${canonicalAt}#${id}`),
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }

  /**
   * One transaction attempt. True when written; false when the first item's condition failed
   * (the caller reads again) or a concurrent transaction held an item (after a pause).
   * `onCondition` may throw the conflict that other failed items mean.
   */
  async #transactOnce(
    items: TransactItem[],
    attempt: number,
    onCondition?: (failedItems: readonly number[]) => void,
  ): Promise<boolean> {
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const outcome = writeOutcome(error);
      if (outcome.kind === 'other') throw error;
      if (outcome.kind === 'condition') onCondition?.(outcome.failedItems);
      if (attempt >= this.#maxAttempts) throw contended(attempt);
      if (outcome.kind === 'contention') await contentionPause(attempt);
      return false;
    }
  }

  /** A transaction retried while it meets concurrent ones; `onCondition` says what a failed condition means. */
  async #transact(
    items: TransactItem[],
    onCondition: (failedItems: readonly number[]) => never,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await this.#transactOnce(items, attempt, onCondition)) return;
    }
  }

  /** An update that returns false, writing nothing, when its condition is false. */
  async #updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#client.send(new UpdateCommand({ ...input, TableName: this.#table }));
        return true;
      } catch (error) {
        const outcome = writeOutcome(error);
        if (outcome.kind === 'condition') return false;
        if (outcome.kind === 'other') throw error;
        if (attempt >= this.#maxAttempts) throw contended(attempt);
        await contentionPause(attempt);
      }
    }
  }

  /** Sets `<field>Revision`, `<field>DeploymentId` and `<field>At` unless a later deployment is recorded. */
  async #recordOrdered(
    field: 'lastAttempted' | 'lastApplied',
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
  ): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('revision', revision);
    requireSortableId('deploymentId', deploymentId);
    requireInstant('at', at);
    return this.#updateIf({
      Key: ItemKey.stack(stackKey),
      UpdateExpression: `SET stackKey = :stackKey, ${field}Revision = :revision, ${field}DeploymentId = :id, ${field}At = :at`,
      ConditionExpression: `attribute_not_exists(${field}DeploymentId) OR ${field}DeploymentId <= :id`,
      ExpressionAttributeValues: {
        ':stackKey': stackKey,
        ':revision': revision,
        ':id': deploymentId,
        ':at': at,
      },
    });
  }

  /** Every page of a query, up to `limit` items. */
  async #query(input: Omit<QueryCommandInput, 'TableName'>, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      const page = await this.#client.send(
        new QueryCommand({
          ...input,
          TableName: this.#table,
          ExclusiveStartKey: start,
          Limit: this.#pageSize ?? remaining,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (limit === undefined || items.length < limit));
    return items.slice(0, limit);
  }
}

function documentClient(client: DynamoDBDocumentClient | DynamoDBClient): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function contended(attempts: number): StoreConflictError {
  return new StoreConflictError({
    conflict: StoreConflict.CONTENDED,
    subject: 'store',
    message: `A write kept meeting concurrent transactions and was given up after ${attempts} attempts; retry later.`,
  });
}
