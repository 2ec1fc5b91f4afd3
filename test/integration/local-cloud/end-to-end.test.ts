import { CloudControlClient, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../../local/cloud/service.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clientConfig } from './fake-services.ts';

const TEMPLATE = `
Parameters:
  QueueName:
    Type: String
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Ref QueueName
Outputs:
  QueueArn:
    Value: !GetAtt Queue.Arn
`;

describe('the local cloud end to end, with the emulated CloudFormation', () => {
  let cloud: LocalCloud;
  const events: CloudEvent[] = [];
  let cloudFormation: CloudFormationClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    cloud.events.subscribe((event) => events.push(event));
    cloudFormation = new CloudFormationClient(clientConfig(cloud.endpoint));
    const s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'templates' }));
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'app/queue.yaml', Body: TEMPLATE }));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('deploys a stack from a TemplateURL in the local S3 through a change set', async () => {
    await cloudFormation.send(
      new CreateChangeSetCommand({
        StackName: 'orders',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateURL: `${cloud.endpoint}/templates/app/queue.yaml`,
        Parameters: [{ ParameterKey: 'QueueName', ParameterValue: 'orders-queue' }],
      }),
    );
    const changeSet = await waitFor(
      () =>
        cloudFormation.send(new DescribeChangeSetCommand({ StackName: 'orders', ChangeSetName: 'first' })),
      (found) => found.Status === 'CREATE_COMPLETE' || found.Status === 'FAILED',
    );
    expect(changeSet.Status).toBe('CREATE_COMPLETE');
    expect(changeSet.Changes?.map((change) => change.ResourceChange?.LogicalResourceId)).toEqual(['Queue']);

    await cloudFormation.send(new ExecuteChangeSetCommand({ StackName: 'orders', ChangeSetName: 'first' }));
    const stack = await waitFor(
      async () => (await cloudFormation.send(new DescribeStacksCommand({ StackName: 'orders' }))).Stacks?.[0],
      (found) => found?.StackStatus?.endsWith('_COMPLETE') === true,
    );
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.CreationTime).toBeInstanceOf(Date);
    expect(stack?.Outputs?.[0]?.OutputValue).toMatch(/:orders-queue$/);
  });

  it('fans the stack status events out to subscribers', () => {
    const statuses = events
      .filter((event) => event['detail-type'] === 'CloudFormation Stack Status Change')
      .map((event) => (event.detail['status-details'] as { status: string }).status);
    expect(statuses).toContain('CREATE_COMPLETE');
  });

  it('shows the deployed resource to Cloud Control on the same endpoint', async () => {
    const cloudControl = new CloudControlClient(clientConfig(cloud.endpoint));
    const listing = await cloudControl.send(new ListResourcesCommand({ TypeName: 'AWS::SQS::Queue' }));
    expect(listing.ResourceDescriptions).toHaveLength(1);
  });

  it('accepts an S3-style TemplateURL mapped to the local store', async () => {
    await cloudFormation.send(
      new CreateChangeSetCommand({
        StackName: 'orders-2',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateURL: 'https://templates.s3.amazonaws.com/app/queue.yaml',
        Parameters: [{ ParameterKey: 'QueueName', ParameterValue: 'orders-queue-2' }],
      }),
    );
    const changeSet = await waitFor(
      () =>
        cloudFormation.send(new DescribeChangeSetCommand({ StackName: 'orders-2', ChangeSetName: 'first' })),
      (found) => found.Status === 'CREATE_COMPLETE' || found.Status === 'FAILED',
    );
    expect(changeSet.Status).toBe('CREATE_COMPLETE');
  });
});
