import { connect } from 'node:net';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';

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

  it('leaves nothing listening and DynamoDB Local stopped after stop', async () => {
    const other = await startLocalCloud();
    const pid = other.dynamodb?.pid ?? -1;
    expect(pid).toBeGreaterThan(0);
    await other.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(canConnect(other.port)).resolves.toBe(false);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
