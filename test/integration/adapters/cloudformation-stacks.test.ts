import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { ChangeSetNotFoundError } from '../../../shared/ports/stacks.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const STACK = { stackName: 'network-prod', region: 'eu-west-1' };
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/network-prod/1';
const CHANGE_SET_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:changeSet/converge-4f2a9c1-abc/1';

let server: RecordingServer;
let stacks: CloudFormationStacks;
/** Answers per Query action: XML inside `<Action>Result>`, or an error. */
let answers: Record<
  string,
  (fields: Record<string, string>) => { result?: string; error?: { code: string; message: string } }
>;

beforeEach(async () => {
  server = await startRecordingServer();
  answers = {};
  server.route('POST', '/', (request) => {
    const fields = request.body as Record<string, string>;
    const action = fields.Action ?? '';
    const answer = answers[action]?.(fields) ?? {
      error: { code: 'InvalidAction', message: `${action} is not answered here` },
    };
    if (answer.error) {
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${answer.error.code}</Code><Message>${answer.error.message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      };
    }
    return {
      headers: { 'content-type': 'text/xml' },
      body: `<${action}Response xmlns="${XMLNS}"><${action}Result>${answer.result ?? ''}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
    };
  });
  const client = new CloudFormationClient({
    region: 'eu-west-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  stacks = new CloudFormationStacks({ client: () => client });
});
afterEach(async () => {
  await server.stop();
});

const stackXml = (status: string) =>
  `<Stacks><member><StackId>${STACK_ID}</StackId><StackName>network-prod</StackName><StackStatus>${status}</StackStatus><CreationTime>2026-03-01T09:00:00Z</CreationTime><Tags><member><Key>team</Key><Value>platform</Value></member></Tags></member></Stacks>`;

describe('CloudFormationStacks', () => {
  it('describes a live stack with its status and tags', async () => {
    answers.DescribeStacks = () => ({ result: stackXml('UPDATE_COMPLETE') });
    expect(await stacks.describeStack(STACK)).toMatchObject({
      stackId: STACK_ID,
      status: 'UPDATE_COMPLETE',
      tags: { team: 'platform' },
    });
  });

  it('reads the stack outputs and the parameters it was deployed with (resolved values first)', async () => {
    answers.DescribeStacks = () => ({
      result: `<Stacks><member><StackId>${STACK_ID}</StackId><StackName>network-prod</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-03-01T09:00:00Z</CreationTime><Outputs><member><OutputKey>VpcId</OutputKey><OutputValue>vpc-0abc</OutputValue></member></Outputs><Parameters><member><ParameterKey>Cidr</ParameterKey><ParameterValue>10.0.0.0/16</ParameterValue></member><member><ParameterKey>Ami</ParameterKey><ParameterValue>/aws/ami</ParameterValue><ResolvedValue>ami-123</ResolvedValue></member></Parameters></member></Stacks>`,
    });
    expect(await stacks.describeStack(STACK)).toMatchObject({
      outputs: { VpcId: 'vpc-0abc' },
      parameters: { Cidr: '10.0.0.0/16', Ami: 'ami-123' },
    });
  });

  it('reports a stack that does not exist as undefined', async () => {
    answers.DescribeStacks = () => ({
      error: { code: 'ValidationError', message: 'Stack with id network-prod does not exist' },
    });
    expect(await stacks.describeStack(STACK)).toBeUndefined();
  });

  it('reports the empty shell of a CREATE change set (REVIEW_IN_PROGRESS) as no stack', async () => {
    answers.DescribeStacks = () => ({ result: stackXml('REVIEW_IN_PROGRESS') });
    expect(await stacks.describeStack(STACK)).toBeUndefined();
  });

  it('creates a change set with parameters, tags, capabilities, role and token', async () => {
    answers.CreateChangeSet = () => ({ result: `<Id>${CHANGE_SET_ID}</Id><StackId>${STACK_ID}</StackId>` });
    const created = await stacks.createChangeSet({
      stack: STACK,
      changeSetName: 'converge-4f2a9c1-abc',
      changeSetType: 'UPDATE',
      templateBody: 'Resources: {}',
      parameters: { VpcCidr: '10.0.0.0/16' },
      tags: { 'converge:revision': '4f2a9c1' },
      capabilities: ['CAPABILITY_IAM'],
      roleArn: 'arn:aws:iam::123456789012:role/cfn',
      clientToken: '01KDX',
    });
    expect(created).toEqual({ changeSetId: CHANGE_SET_ID, stackId: STACK_ID });
    expect(server.requests[0]?.body).toMatchObject({
      ChangeSetName: 'converge-4f2a9c1-abc',
      ChangeSetType: 'UPDATE',
      'Parameters.member.1.ParameterKey': 'VpcCidr',
      'Parameters.member.1.ParameterValue': '10.0.0.0/16',
      'Tags.member.1.Key': 'converge:revision',
      'Capabilities.member.1': 'CAPABILITY_IAM',
      RoleARN: 'arn:aws:iam::123456789012:role/cfn',
      ClientToken: '01KDX',
    });
  });

  it('finds the change set a retried plan already created under the same name', async () => {
    answers.CreateChangeSet = () => ({
      error: { code: 'AlreadyExistsException', message: 'ChangeSet converge-4f2a9c1-abc already exists' },
    });
    answers.DescribeChangeSet = () => ({
      result: `<ChangeSetId>${CHANGE_SET_ID}</ChangeSetId><StackId>${STACK_ID}</StackId><Status>CREATE_COMPLETE</Status>`,
    });
    const created = await stacks.createChangeSet({
      stack: STACK,
      changeSetName: 'converge-4f2a9c1-abc',
      changeSetType: 'UPDATE',
      templateBody: 'Resources: {}',
      parameters: {},
      tags: {},
      capabilities: [],
    });
    expect(created.changeSetId).toBe(CHANGE_SET_ID);
  });

  it('reads every page of a change set’s changes', async () => {
    const change = (id: string) =>
      `<member><Type>Resource</Type><ResourceChange><Action>Modify</Action><LogicalResourceId>${id}</LogicalResourceId><ResourceType>AWS::SQS::Queue</ResourceType><Replacement>False</Replacement></ResourceChange></member>`;
    answers.DescribeChangeSet = (fields) => ({
      result: `<ChangeSetId>${CHANGE_SET_ID}</ChangeSetId><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>${fields.NextToken ? change('B') : change('A')}</Changes>${fields.NextToken ? '' : '<NextToken>page-2</NextToken>'}`,
    });
    const state = await stacks.describeChangeSet(STACK, CHANGE_SET_ID);
    expect(state).toMatchObject({ status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' });
    expect(state.changes.map((c) => c.ResourceChange?.LogicalResourceId)).toEqual(['A', 'B']);
  });

  it('throws ChangeSetNotFoundError for a change set that is gone', async () => {
    answers.DescribeChangeSet = () => ({
      error: { code: 'ChangeSetNotFound', message: 'ChangeSet [x] does not exist' },
    });
    await expect(stacks.describeChangeSet(STACK, CHANGE_SET_ID)).rejects.toBeInstanceOf(
      ChangeSetNotFoundError,
    );
  });

  it('treats deleting a change set that is gone as done', async () => {
    answers.DeleteChangeSet = () => ({
      error: { code: 'ChangeSetNotFound', message: 'ChangeSet [x] does not exist' },
    });
    await expect(stacks.deleteChangeSet(STACK, CHANGE_SET_ID)).resolves.toBeUndefined();
  });

  it('deletes a REVIEW_IN_PROGRESS stack by its unique id', async () => {
    answers.DescribeStacks = () => ({ result: stackXml('REVIEW_IN_PROGRESS') });
    answers.DeleteStack = () => ({ result: '' });
    expect(await stacks.deleteStackInReview(STACK)).toBe(true);
    expect(server.requests.at(-1)?.body).toMatchObject({ Action: 'DeleteStack', StackName: STACK_ID });
  });

  it('never deletes a stack in any other status', async () => {
    answers.DescribeStacks = () => ({ result: stackXml('CREATE_COMPLETE') });
    expect(await stacks.deleteStackInReview(STACK)).toBe(false);
    expect(server.requests.map((r) => (r.body as Record<string, string>).Action)).toEqual(['DescribeStacks']);
  });

  it('executes with the deployment id as ClientRequestToken', async () => {
    answers.ExecuteChangeSet = () => ({ result: '' });
    await stacks.executeChangeSet(STACK, CHANGE_SET_ID, '01KDXABCDEFGHJKMNPQRSTVWXY');
    expect(server.requests[0]?.body).toMatchObject({
      ChangeSetName: CHANGE_SET_ID,
      ClientRequestToken: '01KDXABCDEFGHJKMNPQRSTVWXY',
    });
  });

  it('lists resource failures since the execution started, newest first', async () => {
    const event = (id: string, status: string, at: string, reason = '') =>
      `<member><StackId>${STACK_ID}</StackId><EventId>${id}-${at}</EventId><StackName>network-prod</StackName><LogicalResourceId>${id}</LogicalResourceId><ResourceType>AWS::SQS::Queue</ResourceType><Timestamp>${at}</Timestamp><ResourceStatus>${status}</ResourceStatus><ResourceStatusReason>${reason}</ResourceStatusReason></member>`;
    answers.DescribeStackEvents = () => ({
      result: `<StackEvents>${event('network-prod', 'UPDATE_ROLLBACK_COMPLETE', '2026-03-01T09:10:00Z')}${event('Queue', 'UPDATE_FAILED', '2026-03-01T09:08:00Z', 'Access denied')}${event('Old', 'UPDATE_FAILED', '2026-02-01T09:00:00Z', 'earlier')}</StackEvents>`,
    });
    const failures = await stacks.failedResourceEvents(STACK, '2026-03-01T09:05:00.000Z');
    expect(failures).toEqual([
      {
        logicalId: 'Queue',
        resourceType: 'AWS::SQS::Queue',
        status: 'UPDATE_FAILED',
        reason: 'Access denied',
        at: '2026-03-01T09:08:00.000Z',
      },
    ]);
  });
});
