import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/dynamodb/start-dynamodb-local.ts';
import { createTable } from '../../../shared/adapters/aws/create-table.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { StoreConflict, StoreInputError } from '../../../shared/ports/store-errors.ts';
import { aDeployment, anAudit, instant, storeContract } from '../../support/store-contract.ts';

let db: DynamoDbLocal;
let client: DynamoDBClient;
let tables = 0;

async function newTable(): Promise<string> {
  const tableName = `converge-${++tables}`;
  await createTable(client, tableName);
  return tableName;
}

/**
 * A client on the same endpoint that runs `overtake` (once, when set) right after its next
 * read returns: another writer commits between this store's read and its conditional write.
 */
function clientOvertakenAfterRead(): {
  client: DynamoDBClient;
  overtakeNextRead(run: () => Promise<unknown>): void;
} {
  let overtake: (() => Promise<unknown>) | undefined;
  const slow = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  slow.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetItemCommand' && overtake) {
        const run = overtake;
        overtake = undefined;
        await run();
      }
      return result;
    },
    { step: 'initialize', name: 'overtakeAfterRead' },
  );
  return { client: slow, overtakeNextRead: (run) => (overtake = run) };
}

beforeAll(async () => {
  db = await startDynamoDbLocal();
  client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

/** A new table per test, and pages of two items so that every list crosses pages. */
storeContract(
  'DynamoDbStore on DynamoDB Local',
  async () => new DynamoDbStore({ tableName: await newTable(), client, pageSize: 2 }),
);

describe('DynamoDbStore', () => {
  it('refuses an unknown option, naming it', () => {
    expect(() => new DynamoDbStore({ tableName: 't', client, tabelName: 'x' } as never)).toThrow(
      /does not know the option\(s\) tabelName/,
    );
  });

  it('refuses an empty table name', () => {
    expect(() => new DynamoDbStore({ tableName: '', client })).toThrow(StoreInputError);
  });
});

describe('DynamoDbStore conditional writes', () => {
  it('refuses a transition based on a read that another writer overtook, and writes nothing', async () => {
    const tableName = await newTable();
    const other = new DynamoDbStore({ tableName, client });
    const overtaken = clientOvertakenAfterRead();
    const store = new DynamoDbStore({ tableName, client: overtaken.client });
    const deployment = aDeployment(1, { status: DeploymentStatus.APPROVED });
    const subject = `deployment#${deployment.id}`;
    await other.createDeployment(deployment, anAudit(subject, 1, 'created'));

    overtaken.overtakeNextRead(() =>
      other.transition(
        deployment.id,
        DeploymentStatus.APPROVED,
        { status: DeploymentStatus.EXECUTING, updatedAt: instant(2) },
        anAudit(subject, 2, 'executing'),
      ),
    );
    const attempt = store.transition(
      deployment.id,
      DeploymentStatus.APPROVED,
      { status: DeploymentStatus.SUPERSEDED, updatedAt: instant(3) },
      anAudit(subject, 3, 'superseded'),
    );

    await expect(attempt).rejects.toMatchObject({
      conflict: StoreConflict.STATUS_CHANGED,
      expected: DeploymentStatus.APPROVED,
      actual: DeploymentStatus.EXECUTING,
    });
    expect(await other.getDeployment(deployment.id)).toMatchObject({
      status: DeploymentStatus.EXECUTING,
      version: 2,
    });
    expect((await other.listAudit(subject)).map((r) => r.action)).toEqual(['created', 'executing']);
  });

  it('re-reads and keeps the other writer’s fields when it changed the deployment without leaving the status', async () => {
    const tableName = await newTable();
    const other = new DynamoDbStore({ tableName, client });
    const overtaken = clientOvertakenAfterRead();
    const store = new DynamoDbStore({ tableName, client: overtaken.client });
    const deployment = aDeployment(1, { status: DeploymentStatus.PLANNING });
    const subject = `deployment#${deployment.id}`;
    await other.createDeployment(deployment, anAudit(subject, 1, 'created'));
    const changeSet = { id: 'arn:aws:cloudformation:cs/new', name: 'converge-new' };

    overtaken.overtakeNextRead(() =>
      other.transition(
        deployment.id,
        DeploymentStatus.PLANNING,
        { status: DeploymentStatus.PLANNING, updatedAt: instant(2), changeSet },
        anAudit(subject, 2, 'change-set-created'),
      ),
    );
    const updated = await store.transition(
      deployment.id,
      DeploymentStatus.PLANNING,
      { status: DeploymentStatus.AWAITING_APPROVAL, updatedAt: instant(3) },
      anAudit(subject, 3, 'awaiting-approval'),
    );

    expect(updated).toMatchObject({ status: DeploymentStatus.AWAITING_APPROVAL, changeSet, version: 3 });
    expect(await other.getDeployment(deployment.id)).toEqual(updated);
  });

  it('keeps notification refs saved between a transition’s read and its write', async () => {
    const tableName = await newTable();
    const other = new DynamoDbStore({ tableName, client });
    const overtaken = clientOvertakenAfterRead();
    const store = new DynamoDbStore({ tableName, client: overtaken.client });
    const deployment = aDeployment(1, { status: DeploymentStatus.AWAITING_APPROVAL });
    const subject = `deployment#${deployment.id}`;
    await other.createDeployment(deployment, anAudit(subject, 1, 'created'));
    const refs = { slack: { channel: 'C1', ts: '1700000000.000100' } };

    overtaken.overtakeNextRead(() =>
      other.saveNotifications(deployment.id, refs, anAudit(subject, 2, 'notified')),
    );
    const expired = await store.transition(
      deployment.id,
      DeploymentStatus.AWAITING_APPROVAL,
      { status: DeploymentStatus.EXPIRED, updatedAt: instant(3) },
      anAudit(subject, 3, 'expired'),
    );

    expect(expired).toMatchObject({ status: DeploymentStatus.EXPIRED, notifications: refs, version: 3 });
    expect(await other.getDeployment(deployment.id)).toEqual(expired);
  });

  it('refuses a vote when another vote lands between its read and its write', async () => {
    const tableName = await newTable();
    const other = new DynamoDbStore({ tableName, client });
    const overtaken = clientOvertakenAfterRead();
    const store = new DynamoDbStore({ tableName, client: overtaken.client });
    const deployment = aDeployment(1, { status: DeploymentStatus.AWAITING_APPROVAL });
    const subject = `deployment#${deployment.id}`;
    await other.createDeployment(deployment, anAudit(subject, 1, 'created'));
    const vote = (approver: 'github:bob' | 'github:dave', minute: number) =>
      ({
        deploymentId: deployment.id,
        changeSetId: deployment.changeSet?.id ?? '',
        approver,
        decision: 'approve',
        at: instant(minute),
        via: 'github',
      }) as const;

    overtaken.overtakeNextRead(() =>
      other.recordApproval(vote('github:bob', 2), undefined, anAudit(subject, 2, 'bob'), {
        expectedVersion: 1,
      }),
    );
    const late = store.recordApproval(vote('github:dave', 3), undefined, anAudit(subject, 3, 'dave'), {
      expectedVersion: 1,
    });

    await expect(late).rejects.toMatchObject({ conflict: StoreConflict.VERSION_CHANGED, actual: '2' });
    expect((await other.listApprovals(deployment.id)).map((v) => v.approver)).toEqual(['github:bob']);
    expect((await other.listAudit(subject)).map((r) => r.action)).toEqual(['created', 'bob']);
  });

  it('does not count a vote when the change set changed between the read and the write', async () => {
    const tableName = await newTable();
    const other = new DynamoDbStore({ tableName, client });
    const overtaken = clientOvertakenAfterRead();
    const store = new DynamoDbStore({ tableName, client: overtaken.client });
    const deployment = aDeployment(1, { status: DeploymentStatus.AWAITING_APPROVAL });
    const subject = `deployment#${deployment.id}`;
    await other.createDeployment(deployment, anAudit(subject, 1, 'created'));

    overtaken.overtakeNextRead(() =>
      other.transition(
        deployment.id,
        DeploymentStatus.AWAITING_APPROVAL,
        {
          status: DeploymentStatus.AWAITING_APPROVAL,
          updatedAt: instant(2),
          changeSet: { id: 'arn:aws:cloudformation:cs/new', name: 'converge-new' },
        },
        anAudit(subject, 2, 'change-set-replaced'),
      ),
    );
    const vote = {
      deploymentId: deployment.id,
      changeSetId: deployment.changeSet?.id ?? '',
      approver: 'github:bob',
      decision: 'approve',
      at: instant(3),
      via: 'github',
    } as const;
    await expect(store.recordApproval(vote, undefined, anAudit(subject, 3, 'vote'))).rejects.toMatchObject({
      conflict: StoreConflict.CHANGE_SET_CHANGED,
      actual: 'arn:aws:cloudformation:cs/new',
    });
    expect(await other.listApprovals(deployment.id)).toEqual([]);
  });
});

describe('DynamoDbStore deliveries', () => {
  it('accepts an expired delivery again while its item is still in the table (TTL deletion is lazy)', async () => {
    const tableName = await newTable();
    const store = new DynamoDbStore({ tableName, client });
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    await store.recordDelivery('delivery-1', now, 1_000);

    const key = { pk: { S: 'DELIVERY#delivery-1' }, sk: { S: 'DELIVERY' } };
    const stored = await client.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    expect(stored.Item?.ttl).toEqual({ N: String((now + 1_000) / 1000) });

    expect(await store.recordDelivery('delivery-1', now + 1_000, 1_000)).toBe(true);
    const again = await client.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    expect(again.Item?.expiresAt).toEqual({ N: String(now + 2_000) });
  });
});
