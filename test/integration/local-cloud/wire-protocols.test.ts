import { CloudControlClient, CreateResourceCommand, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig, fakeCloudControl, fakeCloudFormation, type Recorded } from './fake-services.ts';

describe('the local cloud wire layer', () => {
  let cloud: LocalCloud;
  const calls: Recorded[] = [];
  let cloudFormation: CloudFormationClient;
  let cloudControl: CloudControlClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      services: () => [fakeCloudFormation(calls), fakeCloudControl(calls)],
    });
    cloudFormation = new CloudFormationClient(clientConfig(cloud.endpoint));
    cloudControl = new CloudControlClient(clientConfig(cloud.endpoint));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('decodes Query lists, maps and hinted scalars into SDK-shaped input', async () => {
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: 'web',
        TemplateBody: 'Resources: {}\n',
        Parameters: [
          { ParameterKey: 'Env', ParameterValue: 'prod' },
          { ParameterKey: 'Size', UsePreviousValue: true },
        ],
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Tags: [{ Key: 'team', Value: 'platform' }],
        DisableRollback: true,
        TimeoutInMinutes: 15,
      }),
    );
    expect(calls.at(-1)).toEqual({
      operation: 'CreateStack',
      region: 'eu-west-1',
      input: {
        StackName: 'web',
        TemplateBody: 'Resources: {}\n',
        Parameters: [
          { ParameterKey: 'Env', ParameterValue: 'prod' },
          { ParameterKey: 'Size', UsePreviousValue: 'true' },
        ],
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Tags: [{ Key: 'team', Value: 'platform' }],
        DisableRollback: true,
        TimeoutInMinutes: 15,
      },
    });
  });

  it('decodes an empty Query list as an empty array when the service names it a list', async () => {
    await cloudFormation.send(new CreateStackCommand({ StackName: 'web', Capabilities: [] }));
    expect(calls.at(-1)?.input).toEqual({ StackName: 'web', Capabilities: [] });
  });

  it('encodes Query output that the SDK reads back with types intact', async () => {
    const answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: 'web' }));
    expect(answer.Stacks?.[0]).toEqual({
      StackName: 'web & <api>',
      StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/web/1',
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date('2026-01-02T03:04:05.678Z'),
      EnableTerminationProtection: true,
      TimeoutInMinutes: 30,
      Parameters: [
        { ParameterKey: 'Env', ParameterValue: 'prod' },
        { ParameterKey: 'Size', ParameterValue: 'line1\r\nline2' },
      ],
      Tags: [],
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(answer.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('encodes an empty output list', async () => {
    const answer = await cloudFormation.send(new ListStacksCommand({}));
    expect(answer.StackSummaries).toEqual([]);
  });

  it('answers Query errors with their code, message and status', async () => {
    const failure = await cloudFormation
      .send(new DescribeStacksCommand({ StackName: 'missing' }))
      .catch((e) => e);
    expect(failure.name).toBe('ValidationError');
    expect(failure.message).toBe('Stack with id missing does not exist');
    expect(failure.$metadata.httpStatusCode).toBe(400);
    expect(failure.$fault).toBe('client');
  });

  it('decodes JSON 1.0 input and encodes output with epoch-second dates', async () => {
    const answer = await cloudControl.send(
      new CreateResourceCommand({ TypeName: 'AWS::SQS::Queue', DesiredState: '{"QueueName":"q"}' }),
    );
    expect(calls.at(-1)).toEqual({
      operation: 'CreateResource',
      region: 'eu-west-1',
      input: expect.objectContaining({ TypeName: 'AWS::SQS::Queue', DesiredState: '{"QueueName":"q"}' }),
    });
    expect(answer.ProgressEvent).toEqual({
      TypeName: 'AWS::SQS::Queue',
      Identifier: 'queue-1',
      RequestToken: 'token-1',
      Operation: 'CREATE',
      OperationStatus: 'IN_PROGRESS',
      EventTime: new Date('2026-01-02T03:04:05.500Z'),
      ResourceModel: '{"QueueName":"q"}',
    });
  });

  it('answers JSON errors as the modelled exception', async () => {
    const failure = await cloudControl
      .send(new GetResourceCommand({ TypeName: 'AWS::SQS::Queue', Identifier: 'nope' }))
      .catch((e) => e);
    expect(failure.name).toBe('ResourceNotFoundException');
    expect(failure.message).toBe('Resource nope not found');
    expect(failure.$metadata.httpStatusCode).toBe(400);
  });

  it('answers a service it does not emulate with an error that names the served ones', async () => {
    const sqs = new SQSClient({ ...clientConfig(cloud.endpoint), maxAttempts: 1 });
    const failure = await sqs.send(new ListQueuesCommand({})).catch((e) => e);
    expect(failure.name).toBe('UnknownService');
    expect(failure.message).toContain("does not emulate the service 'sqs'");
    expect(failure.message).toContain('cloudformation');
  });
});
