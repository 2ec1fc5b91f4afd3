import {
  CloudControlClient,
  DeleteResourceCommand,
  GetResourceCommand,
  GetResourceRequestStatusCommand,
  UpdateResourceCommand,
} from '@aws-sdk/client-cloudcontrol';
import {
  ChangeSetNotFoundException,
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ExecuteChangeSetCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../../local/cloud/service.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clientConfig } from './fake-services.ts';

const template = `
Parameters:
  Timeout: { Type: Number, Default: 30 }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Timeout
      Tags: [{ Key: team, Value: platform }]
  Parameter:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !GetAtt Queue.Arn }
Outputs:
  QueueUrl: { Value: !Ref Queue }
`;

describe('CloudFormation and Cloud Control through the real SDK clients', () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;
  let cc: CloudControlClient;
  const events: CloudEvent[] = [];

  const stackStatus = async () =>
    (await cfn.send(new DescribeStacksCommand({ StackName: 'orders' }))).Stacks?.[0]?.StackStatus ?? '';
  const settled = (status: string) => !status.endsWith('_IN_PROGRESS');
  const queueUrl = async () =>
    (await cfn.send(new DescribeStackResourcesCommand({ StackName: 'orders', LogicalResourceId: 'Queue' })))
      .StackResources?.[0]?.PhysicalResourceId ?? '';
  const detect = async () => {
    const { StackDriftDetectionId } = await cfn.send(new DetectStackDriftCommand({ StackName: 'orders' }));
    return waitFor(
      () => cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId })),
      (status) => status.DetectionStatus !== 'DETECTION_IN_PROGRESS',
    );
  };

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 20, resource: 10, stackPhase: 10, drift: 20, cloudControl: 10 },
    });
    cloud.events.subscribe((event) => {
      events.push(event);
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    cc = new CloudControlClient(clientConfig(cloud.endpoint));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates a stack from a change set, as the SDK waiters see it', async () => {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'orders',
        ChangeSetName: 'create',
        ChangeSetType: 'CREATE',
        TemplateBody: template,
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );
    await waitUntilChangeSetCreateComplete(
      { client: cfn, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { StackName: 'orders', ChangeSetName: 'create' },
    );
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: 'orders', ChangeSetName: 'create' }),
    );
    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'orders',
        ChangeSetName: 'create',
        ClientRequestToken: 'deploy-1',
      }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
      { StackName: 'orders' },
    );
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'orders' }))).Stacks?.[0];

    expect(described.Changes?.map((change) => change.ResourceChange?.Action)).toEqual(['Add', 'Add']);
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.Outputs?.[0]?.OutputValue).toBe(await queueUrl());
    expect(stack?.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect(stack?.Parameters).toEqual([{ ParameterKey: 'Timeout', ParameterValue: '30' }]);
  });

  it('answers an unknown change set with the SDK ChangeSetNotFoundException', async () => {
    const error = await cfn
      .send(new DescribeChangeSetCommand({ StackName: 'orders', ChangeSetName: 'missing' }))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ChangeSetNotFoundException);
    expect((error as ChangeSetNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it('drifts through Cloud Control, detects it property by property, and reverts it', async () => {
    const url = await queueUrl();
    const update = await cc.send(
      new UpdateResourceCommand({
        TypeName: 'AWS::SQS::Queue',
        Identifier: url,
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value: 120 }]),
      }),
    );
    const done = await waitFor(
      () =>
        cc.send(new GetResourceRequestStatusCommand({ RequestToken: update.ProgressEvent?.RequestToken })),
      (status) => status.ProgressEvent?.OperationStatus !== 'IN_PROGRESS',
    );
    expect(done.ProgressEvent?.OperationStatus).toBe('SUCCESS');

    const drift = await detect();
    const { StackResourceDrifts } = await cfn.send(
      new DescribeStackResourceDriftsCommand({
        StackName: 'orders',
        StackResourceDriftStatusFilters: ['MODIFIED'],
      }),
    );
    expect(drift.StackDriftStatus).toBe('DRIFTED');
    expect(StackResourceDrifts?.[0]?.PropertyDifferences).toEqual([
      {
        PropertyPath: '/VisibilityTimeout',
        ExpectedValue: '30',
        ActualValue: '120',
        DifferenceType: 'NOT_EQUAL',
      },
    ]);

    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'orders',
        ChangeSetName: 'revert',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Timeout', UsePreviousValue: true }],
        DeploymentMode: 'REVERT_DRIFT',
      }),
    );
    const revert = await waitFor(
      () => cfn.send(new DescribeChangeSetCommand({ StackName: 'orders', ChangeSetName: 'revert' })),
      (changeSet) => changeSet.Status === 'CREATE_COMPLETE' || changeSet.Status === 'FAILED',
    );
    expect(revert.Changes?.[0]?.ResourceChange?.Details?.[0]?.Target).toMatchObject({
      Name: 'VisibilityTimeout',
      BeforeValue: '120',
      AfterValue: '30',
      BeforeValueFrom: 'ACTUAL_STATE',
      AfterValueFrom: 'TEMPLATE',
      Drift: { PreviousValue: '30', ActualValue: '120' },
    });

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'orders', ChangeSetName: 'revert' }));
    expect(await waitFor(stackStatus, settled)).toBe('UPDATE_COMPLETE');
    const actual = await cc.send(new GetResourceCommand({ TypeName: 'AWS::SQS::Queue', Identifier: url }));
    expect(JSON.parse(actual.ResourceDescription?.Properties ?? '{}').VisibilityTimeout).toBe(30);
    expect((await detect()).StackDriftStatus).toBe('IN_SYNC');
  });

  it('recreates a resource deleted through Cloud Control', async () => {
    const parameter = (
      await cfn.send(
        new DescribeStackResourcesCommand({ StackName: 'orders', LogicalResourceId: 'Parameter' }),
      )
    ).StackResources?.[0]?.PhysicalResourceId;
    const deletion = await cc.send(
      new DeleteResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: parameter }),
    );
    await waitFor(
      () =>
        cc.send(new GetResourceRequestStatusCommand({ RequestToken: deletion.ProgressEvent?.RequestToken })),
      (status) => status.ProgressEvent?.OperationStatus === 'SUCCESS',
    );
    expect((await detect()).StackDriftStatus).toBe('DRIFTED');

    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'orders',
        ChangeSetName: 'recreate',
        UsePreviousTemplate: true,
        DeploymentMode: 'REVERT_DRIFT',
      }),
    );
    await waitFor(
      () => cfn.send(new DescribeChangeSetCommand({ StackName: 'orders', ChangeSetName: 'recreate' })),
      (changeSet) => changeSet.ExecutionStatus === 'AVAILABLE',
    );
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'orders', ChangeSetName: 'recreate' }));

    expect(await waitFor(stackStatus, settled)).toBe('UPDATE_COMPLETE');
    expect((await detect()).StackDriftStatus).toBe('IN_SYNC');
  });

  it('fans stack status events out to subscribers with the execution token', () => {
    const statuses = events
      .filter((event) => event['detail-type'] === 'CloudFormation Stack Status Change')
      .filter((event) => event.detail['client-request-token'] === 'deploy-1')
      .map((event) => (event.detail['status-details'] as { status: string }).status);

    expect(statuses).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  });
});
