import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';

const TEMPLATE = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Description: summary fixture',
  'Parameters:',
  '  Timeout:',
  '    Type: Number',
  '    Default: 30',
  '  Secret:',
  '    Type: String',
  '    NoEcho: true',
  'Resources:',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '    Properties:',
  '      VisibilityTimeout: !Ref Timeout',
  '  Setting:',
  '    Type: AWS::SSM::Parameter',
  '    Properties:',
  '      Type: String',
  '      Value: !Ref Secret',
  '',
].join('\n');

describe('GetTemplateSummary on the local cloud', () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dynamodb: false, delays: { changeSet: 1, resource: 1, stackPhase: 1 } });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  const expected = {
    Parameters: [
      { ParameterKey: 'Timeout', DefaultValue: '30', ParameterType: 'Number', NoEcho: false },
      { ParameterKey: 'Secret', ParameterType: 'String', NoEcho: true },
    ],
    Description: 'summary fixture',
    ResourceTypes: ['AWS::SQS::Queue', 'AWS::SSM::Parameter'],
    Version: '2010-09-09',
  };

  it('summarises a template body: parameters with their types, resource types and version', async () => {
    const summary = await cfn.send(new GetTemplateSummaryCommand({ TemplateBody: TEMPLATE }));
    expect(summary).toMatchObject(expected);
  });

  it("summarises a stack's template by StackName, as `aws cloudformation deploy` asks before an update", async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'summary-stack',
        ChangeSetName: 'create',
        ChangeSetType: 'CREATE',
        TemplateBody: TEMPLATE,
        Parameters: [{ ParameterKey: 'Secret', ParameterValue: 'x' }],
      }),
    );
    for (let i = 0; i < 200; i++) {
      const cs = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
      if (cs.ExecutionStatus === 'AVAILABLE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    for (let i = 0; i < 200; i++) {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'summary-stack' }));
      if (Stacks?.[0]?.StackStatus === 'CREATE_COMPLETE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const summary = await cfn.send(new GetTemplateSummaryCommand({ StackName: 'summary-stack' }));
    expect(summary).toMatchObject(expected);
  });

  it('answers ValidationError for a stack that does not exist, and for no template at all', async () => {
    const missing = await cfn
      .send(new GetTemplateSummaryCommand({ StackName: 'no-such-stack' }))
      .catch((e) => e);
    expect(missing).toBeInstanceOf(CloudFormationServiceException);
    expect((missing as CloudFormationServiceException).name).toBe('ValidationError');
    const empty = await cfn.send(new GetTemplateSummaryCommand({})).catch((e) => e);
    expect((empty as CloudFormationServiceException).name).toBe('ValidationError');
  });
});
