import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Approval } from '../../domain/approval/approval.ts';
import type { Deployment, NotificationRefs } from '../../domain/deployment/deployment.ts';
import type { DeploymentStatus } from '../../domain/deployment/deployment-status.ts';
import { sortableIds } from '../../domain/ids.ts';
import { TableIndex } from '../../domain/table/table-schema.ts';
import type { Suspension } from '../../domain/window/execution-hold.ts';
import { checkVoteInput, votedDeployment } from '../../ports/check-vote.ts';
import type {
  AuditInput,
  AuditRecord,
  DeploymentPatch,
  ListOptions,
  PushKey,
  RecordApprovalOptions,
  StackRelease,
  StackState,
  Store,
} from '../../ports/store.ts';
import {
  DeploymentNotFoundError,
  duplicateVote,
  StoreConflict,
  StoreConflictError,
  StoreInputError,
  statusChanged,
} from '../../ports/store-errors.ts';
import {
  applyPatch,
  checkAudit,
  checkDeployment,
  checkNotificationsInput,
  checkSuspensionInput,
  checkTransitionInput,
  pushKeyText,
  requireDuration,
  requireEpochMs,
  requireInstant,
  requireLimit,
  requireSortableId,
  requireStatus,
  requireText,
} from '../../ports/store-input.ts';
import { lazyDocumentClient } from './dynamodb-document-client.ts';
import {
  APPROVAL_PREFIX,
  auditPartition,
  fromApprovalItem,
  fromAuditItem,
  fromDeploymentItem,
  fromStackItem,
  ItemKey,
  stackPartition,
  statusPartition,
  toApprovalItem,
  toAuditItem,
  toDeploymentItem,
} from './dynamodb-items.ts';
import { DynamoDbTable, type TransactItem } from './dynamodb-table.ts';

/** Options of {@link DynamoDbStore}. Unknown keys are refused, so a typo fails at start-up. */
export interface DynamoDbStoreOptions {
  /** The table built from `TableSchema` (shared/domain/table/table-schema.ts). */
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

const defaults = { maxAttempts: 10 } as const;
/** Every write of the stack item (re)states what it is, since an update may create it. */
const SET_STACK = 'SET stackKey = :stackKey, #type = :stackType';
const stackValues = (stackKey: string) => ({ ':stackKey': stackKey, ':stackType': 'stack' });
const OPTION_NAMES = new Set(['tableName', 'client', 'newId', 'pageSize', 'maxAttempts']);

/**
 * The {@link Store} on one DynamoDB table (docs/dynamodb-table.md). Status changes are
 * transactions conditional on the status and version read, with their audit record; a lost
 * race throws StoreConflictError and writes nothing.
 *
 * @example
 * const store = new DynamoDbStore({ tableName: config.tableName });
 * const local = new DynamoDbStore({ tableName: 'converge', client: new DynamoDBClient({ endpoint }) });
 */
export class DynamoDbStore implements Store {
  readonly #table: DynamoDbTable;
  readonly #newId: (timeMs: number) => string;

  constructor(options: DynamoDbStoreOptions) {
    const unknown = Object.keys(options ?? {}).filter((name) => !OPTION_NAMES.has(name));
    if (unknown.length > 0) {
      throw new StoreInputError(
        `DynamoDbStore does not know the option(s) ${unknown.join(', ')}; use ${[...OPTION_NAMES].join(', ')}.`,
      );
    }
    this.#table = new DynamoDbTable({
      tableName: requireText('tableName', options.tableName),
      client: lazyDocumentClient(options.client),
      pageSize: options.pageSize === undefined ? undefined : requireCount('pageSize', options.pageSize),
      maxAttempts: requireCount('maxAttempts', options.maxAttempts ?? defaults.maxAttempts),
    });
    this.#newId = options.newId ?? sortableIds((size) => randomBytes(size));
  }

  async createDeployment(deployment: Deployment, audit: AuditInput): Promise<void> {
    checkDeployment(deployment);
    const subject = `deployment#${deployment.id}`;
    const created: TransactItem = {
      Put: {
        TableName: this.#table.name,
        Item: toDeploymentItem(deployment),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    await this.#table.transact([created, { Put: this.#auditPut(audit, checkAudit(audit)) }], subject, () => {
      throw new StoreConflictError({
        conflict: StoreConflict.ALREADY_EXISTS,
        subject,
        message: `Deployment ${deployment.id} already exists; make a new id for a new deployment.`,
      });
    });
  }

  async getDeployment(id: string): Promise<Deployment | undefined> {
    requireText('id', id);
    return this.#readDeployment(id);
  }

  async listDeployments(stackKey: string, options?: ListOptions): Promise<readonly Deployment[]> {
    requireText('stackKey', stackKey);
    return this.#newestFirst(TableIndex.BY_STACK, 'gsi1pk', stackPartition(stackKey), requireLimit(options));
  }

  async listDeploymentsByStatus(
    status: DeploymentStatus,
    options?: ListOptions,
  ): Promise<readonly Deployment[]> {
    requireStatus('status', status);
    return this.#newestFirst(TableIndex.BY_STATUS, 'gsi2pk', statusPartition(status), requireLimit(options));
  }

  async transition(
    id: string,
    from: DeploymentStatus,
    next: DeploymentPatch,
    audit: AuditInput,
  ): Promise<Deployment> {
    const auditAt = checkTransitionInput(id, from, next, audit);
    // Read, check, then write conditionally on the status and version read. A write that
    // lost reads again, so the conflict reports what the winning writer did.
    for (let attempt = 1; ; attempt++) {
      const current = await this.#readDeployment(id);
      if (!current) throw new DeploymentNotFoundError(id);
      if (current.status !== from) throw statusChanged(id, from, current.status);
      const updated = applyPatch(current, next);
      const items = [this.#putIfUnchanged(current, updated), { Put: this.#auditPut(audit, auditAt) }];
      if (await this.#table.transactOnce(items, attempt, `deployment#${id}`)) return updated;
    }
  }

  async recordApproval(
    approval: Approval,
    transition: { from: DeploymentStatus; next: DeploymentPatch } | undefined,
    audit: AuditInput,
    options?: RecordApprovalOptions,
  ): Promise<void> {
    const { expectedVersion, auditAt } = checkVoteInput(approval, transition, audit, options);
    for (let attempt = 1; ; attempt++) {
      const read = await this.#readDeployment(approval.deploymentId);
      const { current, voted } = votedDeployment(read, approval, transition, expectedVersion);
      // One transaction: the deployment (its next version, with the status change if any,
      // conditional on the status and version read: two votes never both land on one read), the
      // vote (one per approver) and the audit record.
      const voteItem: TransactItem = {
        Put: {
          TableName: this.#table.name,
          Item: toApprovalItem(approval),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      const items = [this.#putIfUnchanged(current, voted), voteItem, { Put: this.#auditPut(audit, auditAt) }];
      const written = await this.#table.transactOnce(items, attempt, `deployment#${current.id}`, (failed) => {
        if (!failed.includes(0) && failed.includes(1)) throw duplicateVote(approval);
      });
      if (written) return;
    }
  }

  async listApprovals(deploymentId: string): Promise<readonly Approval[]> {
    requireText('deploymentId', deploymentId);
    const items = await this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': ItemKey.deployment(deploymentId).pk, ':prefix': APPROVAL_PREFIX },
      ConsistentRead: true,
    });
    const votes = items.map(fromApprovalItem);
    return votes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.approver < b.approver ? -1 : 1));
  }

  async saveNotifications(
    id: string,
    notifications: NotificationRefs,
    audit: AuditInput,
  ): Promise<Deployment> {
    const auditAt = checkNotificationsInput(id, notifications, audit);
    // An update of the refs alone (a transition's Put would need a read first), not conditional
    // on the status; the version moves so that writes based on an earlier read re-read.
    const saved: TransactItem = {
      Update: {
        TableName: this.#table.name,
        Key: ItemKey.deployment(id),
        UpdateExpression: 'SET #notifications = :notifications, #version = #version + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#notifications': 'notifications', '#version': 'version' },
        ExpressionAttributeValues: { ':notifications': notifications, ':one': 1 },
      },
    };
    await this.#table.transact([saved, { Put: this.#auditPut(audit, auditAt) }], `deployment#${id}`, () => {
      throw new DeploymentNotFoundError(id);
    });
    const stored = await this.#readDeployment(id);
    if (!stored) throw new DeploymentNotFoundError(id);
    return stored;
  }

  async getStackState(stackKey: string): Promise<StackState | undefined> {
    requireText('stackKey', stackKey);
    const item = await this.#table.get(ItemKey.stack(stackKey));
    return item ? fromStackItem(item) : undefined;
  }

  /**
   * Scans for stack items (`type = stack`): the table has no index of stacks, and the drift
   * sweep that calls this runs a few times a day, so reading the table then is cheaper than an
   * index written on every state change.
   */
  async listStackStates(): Promise<readonly StackState[]> {
    const items = await this.#table.scan({
      FilterExpression: '#type = :stackType',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':stackType': 'stack' },
    });
    return items
      .map(fromStackItem)
      .sort((a, b) => (a.stackKey < b.stackKey ? -1 : a.stackKey > b.stackKey ? 1 : 0));
  }

  async recordAttempt(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
    replacing?: { readonly deploymentId: string | undefined },
  ): Promise<boolean> {
    if (!replacing) return this.#recordOrdered('lastAttempted', stackKey, revision, deploymentId, at);
    // Git history ordered the revisions: write only over the attempt the caller compared against.
    const expected = replacing.deploymentId;
    if (expected !== undefined) requireSortableId('replacing.deploymentId', expected);
    return this.#recordOrdered(
      'lastAttempted',
      stackKey,
      revision,
      deploymentId,
      at,
      expected === undefined
        ? 'attribute_not_exists(lastAttemptedDeploymentId) OR lastAttemptedDeploymentId = :id'
        : 'lastAttemptedDeploymentId = :expected OR lastAttemptedDeploymentId = :id',
      expected === undefined ? {} : { ':expected': expected },
    );
  }

  async setSuspension(
    stackKey: string,
    suspension: Suspension | undefined,
    audit: AuditInput,
  ): Promise<StackState> {
    const auditAt = checkSuspensionInput(stackKey, suspension, audit);
    const written: TransactItem = {
      Update: {
        TableName: this.#table.name,
        Key: ItemKey.stack(stackKey),
        UpdateExpression: suspension
          ? `${SET_STACK}, suspended = :suspended`
          : `${SET_STACK} REMOVE suspended`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ...stackValues(stackKey),
          ...(suspension ? { ':suspended': JSON.parse(JSON.stringify(suspension)) } : {}),
        },
      },
    };
    await this.#table.transact(
      [written, { Put: this.#auditPut(audit, auditAt) }],
      `stack#${stackKey}`,
      () => {
        throw new StoreInputError(`stack ${stackKey} could not be written; retry.`);
      },
    );
    return (await this.getStackState(stackKey)) ?? { stackKey };
  }

  async claimStack(stackKey: string, repository: string, at: string): Promise<string> {
    requireText('stackKey', stackKey);
    requireText('repository', repository);
    requireInstant('at', at);
    const claimed = await this.#table.updateIf(
      {
        Key: ItemKey.stack(stackKey),
        UpdateExpression: `${SET_STACK}, #owner = :repository, ownedAt = if_not_exists(ownedAt, :at)`,
        ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :repository',
        ExpressionAttributeNames: { '#type': 'type', '#owner': 'owner' },
        ExpressionAttributeValues: { ...stackValues(stackKey), ':repository': repository, ':at': at },
      },
      `stack#${stackKey}`,
    );
    if (claimed) return repository;
    const owner = (await this.getStackState(stackKey))?.owner;
    if (!owner)
      throw new Error(`The owner of stack ${stackKey} could not be read after a refused claim; retry.`);
    return owner;
  }

  async releaseStack(stackKey: string, release: StackRelease): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('revision', release.revision);
    requireInstant('at', release.at);
    return this.#table.updateIf(
      {
        Key: ItemKey.stack(stackKey),
        UpdateExpression: `${SET_STACK}, released = :release`,
        ConditionExpression: 'attribute_not_exists(released) OR released.#outcome <> :outcome',
        ExpressionAttributeNames: { '#type': 'type', '#outcome': 'outcome' },
        ExpressionAttributeValues: {
          ...stackValues(stackKey),
          ':release': { revision: release.revision, at: release.at, outcome: release.outcome },
          ':outcome': release.outcome,
        },
      },
      `stack#${stackKey}`,
    );
  }

  async recordApplied(
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
  ): Promise<boolean> {
    return this.#recordOrdered(
      'lastApplied',
      stackKey,
      revision,
      deploymentId,
      at,
      'attribute_not_exists(lastAppliedDeploymentId) OR lastAppliedDeploymentId <= :id OR lastAttemptedDeploymentId = :id',
    );
  }

  async acquireLock(stackKey: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    requireEpochMs('now', now);
    requireDuration('leaseMs', leaseMs);
    return this.#table.updateIf(
      {
        Key: ItemKey.stack(stackKey),
        UpdateExpression: `${SET_STACK}, lockOwner = :owner, lockExpiresAt = :expiresAt`,
        ConditionExpression: 'attribute_not_exists(lockOwner) OR lockExpiresAt <= :now OR lockOwner = :owner',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ...stackValues(stackKey),
          ':owner': owner,
          ':expiresAt': now + leaseMs,
          ':now': now,
        },
      },
      `stack#${stackKey}`,
    );
  }

  async releaseLock(stackKey: string, owner: string): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('owner', owner);
    return this.#table.updateIf(
      {
        Key: ItemKey.stack(stackKey),
        UpdateExpression: 'REMOVE lockOwner, lockExpiresAt',
        ConditionExpression: 'lockOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      },
      `stack#${stackKey}`,
    );
  }

  async recordDelivery(deliveryId: string, now: number, ttlMs: number): Promise<boolean> {
    requireText('deliveryId', deliveryId);
    const item = { ...ItemKey.delivery(deliveryId), type: 'delivery', deliveryId };
    return this.#recordOnce(item, now, ttlMs, `delivery#${deliveryId}`);
  }

  async releaseDelivery(deliveryId: string): Promise<void> {
    requireText('deliveryId', deliveryId);
    await this.#table.delete(ItemKey.delivery(deliveryId));
  }

  async recordPush(push: PushKey, now: number, ttlMs: number): Promise<boolean> {
    const key = pushKeyText(push);
    return this.#recordOnce({ ...ItemKey.push(key), type: 'push', ...push }, now, ttlMs, `push#${key}`);
  }

  async releasePush(push: PushKey): Promise<void> {
    await this.#table.delete(ItemKey.push(pushKeyText(push)));
  }

  /**
   * Puts a once-only marker (a delivery, a push) that holds until `now + ttlMs`; false while one
   * is held. A marker still stored but past its expiry counts as absent: TTL deletion is lazy.
   */
  async #recordOnce(
    item: Record<string, unknown>,
    now: number,
    ttlMs: number,
    subject: string,
  ): Promise<boolean> {
    requireEpochMs('now', now);
    requireDuration('ttlMs', ttlMs);
    const expiresAt = now + ttlMs;
    return this.#table.putIf(
      {
        Item: { ...item, expiresAt, ttl: Math.ceil(expiresAt / 1000) },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      },
      subject,
    );
  }

  async appendAudit(audit: AuditInput): Promise<void> {
    const put = this.#auditPut(audit, checkAudit(audit));
    if (!(await this.#table.putIf(put, audit.subject))) {
      throw new StoreConflictError({
        conflict: StoreConflict.ALREADY_EXISTS,
        subject: audit.subject,
        message: `An audit record of ${audit.subject} with the same id exists; append it again (a new id is made).`,
      });
    }
  }

  async listAudit(subject: string, options?: ListOptions): Promise<readonly AuditRecord[]> {
    requireText('subject', subject);
    const items = await this.#table.query(
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
    const item = await this.#table.get(ItemKey.deployment(id));
    return item ? fromDeploymentItem(item) : undefined;
  }

  async #newestFirst(index: string, keyName: string, key: string, limit?: number): Promise<Deployment[]> {
    const items = await this.#table.query(
      {
        IndexName: index,
        KeyConditionExpression: `${keyName} = :key`,
        ExpressionAttributeValues: { ':key': key },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(fromDeploymentItem);
  }

  /** Replaces a deployment only while it still has the status and version that were read. */
  #putIfUnchanged(current: Deployment, updated: Deployment): TransactItem {
    return {
      Put: {
        TableName: this.#table.name,
        Item: toDeploymentItem(updated),
        ConditionExpression: '#status = :status AND #version = :version',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':status': current.status, ':version': current.version },
      },
    };
  }

  /** An audit record sorts by its instant, then by its id (the write order within one process). */
  #auditPut(audit: AuditInput, canonicalAt: string): PutCommandInput {
    const id = this.#newId(Date.parse(canonicalAt));
    const record: AuditRecord = { ...audit, id };
    return {
      TableName: this.#table.name,
      Item: toAuditItem(record, `${canonicalAt}#${id}`),
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }

  /**
   * Sets `<field>Revision`, `<field>DeploymentId` and `<field>At` when `condition` holds; by
   * default, unless a later deployment (by id) is recorded.
   */
  async #recordOrdered(
    field: 'lastAttempted' | 'lastApplied',
    stackKey: string,
    revision: string,
    deploymentId: string,
    at: string,
    condition = `attribute_not_exists(${field}DeploymentId) OR ${field}DeploymentId <= :id`,
    values: Record<string, string> = {},
  ): Promise<boolean> {
    requireText('stackKey', stackKey);
    requireText('revision', revision);
    requireSortableId('deploymentId', deploymentId);
    requireInstant('at', at);
    return this.#table.updateIf(
      {
        Key: ItemKey.stack(stackKey),
        // An applied deployment means the stack is managed again.
        UpdateExpression: `${SET_STACK}, ${field}Revision = :revision, ${field}DeploymentId = :id, ${field}At = :at${field === 'lastApplied' ? ' REMOVE released' : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ...values,
          ...stackValues(stackKey),
          ':revision': revision,
          ':id': deploymentId,
          ':at': at,
        },
      },
      `stack#${stackKey}`,
    );
  }
}

function requireCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new StoreInputError(
      `DynamoDbStore option ${field} must be a positive whole number, got ${String(value)}.`,
    );
  }
  return value;
}
