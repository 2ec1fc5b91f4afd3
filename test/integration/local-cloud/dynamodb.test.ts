import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';
import { canConnect } from './net-probe.ts';

describe('DynamoDB behind the local cloud endpoint', () => {
  let cloud: LocalCloud;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    cloud = await startLocalCloud();
    dynamodb = new DynamoDBClient(clientConfig(cloud.endpoint));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'deployments',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('puts and gets an item through the one endpoint', async () => {
    await dynamodb.send(
      new PutItemCommand({ TableName: 'deployments', Item: { pk: { S: 'd-1' }, status: { S: 'PLANNING' } } }),
    );
    const got = await dynamodb.send(
      new GetItemCommand({ TableName: 'deployments', Key: { pk: { S: 'd-1' } } }),
    );
    expect(got.Item).toEqual({ pk: { S: 'd-1' }, status: { S: 'PLANNING' } });
  });

  it('passes conditional-write failures through as ConditionalCheckFailedException', async () => {
    await dynamodb.send(new PutItemCommand({ TableName: 'deployments', Item: { pk: { S: 'd-2' } } }));
    const failure = await dynamodb
      .send(
        new PutItemCommand({
          TableName: 'deployments',
          Item: { pk: { S: 'd-2' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((e) => e);
    expect(failure).toBeInstanceOf(ConditionalCheckFailedException);
    expect(failure.$metadata.httpStatusCode).toBe(400);
  });

  it('throttles data-plane calls with ProvisionedThroughputExceededException, which the SDK retries', async () => {
    cloud.faults.set({ rules: [{ service: 'dynamodb', operation: 'GetItem', throttle: { everyNth: 2 } }] });
    cloud.faults.resetCounters();
    try {
      const key = { pk: { S: 'd-1' } };
      await dynamodb.send(new GetItemCommand({ TableName: 'deployments', Key: key }));
      const retried = await dynamodb.send(new GetItemCommand({ TableName: 'deployments', Key: key }));
      expect(retried.$metadata.attempts).toBe(2);
      expect(cloud.faults.counters().throttled).toEqual({ 'dynamodb.GetItem': 1 });
      expect(cloud.faults.counters().requests['dynamodb.GetItem']).toBe(3);
      const once = new DynamoDBClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
      const failure = await once
        .send(new GetItemCommand({ TableName: 'deployments', Key: key }))
        .catch((e) => e);
      expect(failure).toBeInstanceOf(ProvisionedThroughputExceededException);
    } finally {
      cloud.faults.clear();
    }
  });

  it('leaves nothing listening and DynamoDB Local stopped after stop', async () => {
    const other = await startLocalCloud();
    const pid = other.dynamodb?.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    await other.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(canConnect(other.port)).resolves.toBe(false);
  });
});
