import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ExecuteChangeSetCommand,
  InsufficientCapabilitiesException,
  InvalidChangeSetStatusException,
  ListChangeSetsCommand,
  ListStacksCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clientConfig } from './fake-services.ts';

const queue = (timeout: number) =>
  JSON.stringify({
    Parameters: { Secret: { Type: 'String', NoEcho: true, Default: 'hidden' } },
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: timeout } } },
  });

describe('the emulated CloudFormation as the SDK sees it: errors, lists, booleans, dates', () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;

  const changeSet = (name: string) =>
    waitFor(
      () =>
        cfn.send(
          new DescribeChangeSetCommand({
            StackName: 'contract',
            ChangeSetName: name,
            IncludePropertyValues: true,
          }),
        ),
      (described) => described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED',
    );
  const settled = () =>
    waitFor(
      () => cfn.send(new DescribeStacksCommand({ StackName: 'contract' })),
      (described) => !described.Stacks?.[0]?.StackStatus?.endsWith('_IN_PROGRESS'),
    );

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'contract',
        ChangeSetName: 'create',
        ChangeSetType: 'CREATE',
        TemplateBody: queue(30),
      }),
    );
    await changeSet('create');
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'contract', ChangeSetName: 'create' }));
    await settled();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers an unknown stack with ValidationError and its message', async () => {
    const error = await cfn
      .send(new DescribeStacksCommand({ StackName: 'ghost' }))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CloudFormationServiceException);
    expect(error).toMatchObject({ name: 'ValidationError', message: 'Stack with id ghost does not exist' });
    expect((error as CloudFormationServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers a missing capability with InsufficientCapabilitiesException', async () => {
    const template = JSON.stringify({
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    });

    const error = await cfn
      .send(
        new CreateChangeSetCommand({
          StackName: 'roles',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: template,
        }),
      )
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InsufficientCapabilitiesException);
    expect((error as Error).message).toBe('Requires capabilities : [CAPABILITY_IAM]');
  });

  it('accepts the capability list and an empty tag list', async () => {
    const template = JSON.stringify({
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    });

    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'roles',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody: template,
        Capabilities: ['CAPABILITY_IAM'],
        Tags: [],
      }),
    );

    expect(created.Id).toMatch(/:changeSet\/c\//);
  });

  it('answers a second execution with InvalidChangeSetStatusException', async () => {
    const error = await cfn
      .send(new ExecuteChangeSetCommand({ StackName: 'contract', ChangeSetName: 'create' }))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidChangeSetStatusException);
  });

  it('decodes IncludePropertyValues and returns property values and contexts', async () => {
    await cfn.send(
      new CreateChangeSetCommand({ StackName: 'contract', ChangeSetName: 'slower', TemplateBody: queue(60) }),
    );

    const described = await changeSet('slower');
    const change = described.Changes?.[0]?.ResourceChange;

    expect(change?.Details?.[0]?.Target).toMatchObject({
      Name: 'VisibilityTimeout',
      BeforeValue: '30',
      AfterValue: '60',
    });
    expect(JSON.parse(change?.AfterContext ?? '{}')).toEqual({ Properties: { VisibilityTimeout: 60 } });
    expect(described.Parameters).toEqual([{ ParameterKey: 'Secret', ParameterValue: '****' }]);
  });

  it('filters ListStacks and lists change sets with dates', async () => {
    const { StackSummaries } = await cfn.send(
      new ListStacksCommand({ StackStatusFilter: ['CREATE_COMPLETE'] }),
    );
    const { Summaries } = await cfn.send(new ListChangeSetsCommand({ StackName: 'contract' }));

    expect(StackSummaries?.map((summary) => summary.StackName)).toEqual(['contract']);
    expect(Summaries?.every((summary) => summary.CreationTime instanceof Date)).toBe(true);
  });

  it('pages resource drifts with a numeric MaxResults', async () => {
    const { StackDriftDetectionId } = await cfn.send(new DetectStackDriftCommand({ StackName: 'contract' }));
    await waitFor(
      () => cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId })),
      (status) => status.DetectionStatus === 'DETECTION_COMPLETE',
    );

    const page = await cfn.send(
      new DescribeStackResourceDriftsCommand({ StackName: 'contract', MaxResults: 1 }),
    );

    expect(page.StackResourceDrifts).toHaveLength(1);
    expect(page.StackResourceDrifts?.[0]?.StackResourceDriftStatus).toBe('IN_SYNC');
    expect(page.StackResourceDrifts?.[0]?.Timestamp).toBeInstanceOf(Date);
  });

  it('validates a template and reports its NoEcho parameter', async () => {
    const result = await cfn.send(new ValidateTemplateCommand({ TemplateBody: queue(30) }));

    expect(result.Parameters).toEqual([{ ParameterKey: 'Secret', DefaultValue: 'hidden', NoEcho: true }]);
  });

  it('deletes the stack and keeps its events readable by stack id', async () => {
    const stackId = (await cfn.send(new DescribeStacksCommand({ StackName: 'contract' }))).Stacks?.[0]
      ?.StackId;

    await cfn.send(new DeleteStackCommand({ StackName: 'contract' }));
    const deleted = await waitFor(
      () => cfn.send(new DescribeStacksCommand({ StackName: stackId })),
      (described) => described.Stacks?.[0]?.StackStatus === 'DELETE_COMPLETE',
    );
    const { StackEvents } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));

    expect(deleted.Stacks?.[0]?.DeletionTime).toBeInstanceOf(Date);
    expect(StackEvents?.[0]).toMatchObject({
      LogicalResourceId: 'contract',
      ResourceStatus: 'DELETE_COMPLETE',
    });
  });
});
