import {
  CloudFormationClient,
  type CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { waitFor } from '../../support/wait-for.ts';
import { clientConfig } from './fake-services.ts';

const STACK = 'operations';
const template = (timeout: number) =>
  JSON.stringify({
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: timeout } },
      Parameter: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'v1' } },
    },
  });

/** The operations and error cases the other contract tests leave out, through the real SDK. */
describe('the emulated CloudFormation: resources, templates, change-set lifecycle and refusals', () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;

  const createChangeSet = async (name: string, body: string) => {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: STACK,
        ChangeSetName: name,
        ChangeSetType: name === 'create' ? 'CREATE' : 'UPDATE',
        TemplateBody: body,
      }),
    );
    return waitFor(
      () => cfn.send(new DescribeChangeSetCommand({ StackName: STACK, ChangeSetName: name })),
      (described) => described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED',
    );
  };
  const stackStatus = async () =>
    (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0]?.StackStatus ?? '';
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (error: unknown) => error as CloudFormationServiceException,
    );

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    await createChangeSet('create', template(30));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: STACK, ChangeSetName: 'create' }));
    await waitFor(stackStatus, (status) => status === 'CREATE_COMPLETE');
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('lists the stack resources with their physical ids', async () => {
    const listed = await cfn.send(new ListStackResourcesCommand({ StackName: STACK }));
    const byLogicalId = Object.fromEntries(
      (listed.StackResourceSummaries ?? []).map((resource) => [resource.LogicalResourceId, resource]),
    );
    expect(Object.keys(byLogicalId).sort()).toEqual(['Parameter', 'Queue']);
    expect(byLogicalId.Queue?.ResourceType).toBe('AWS::SQS::Queue');
    expect(byLogicalId.Queue?.PhysicalResourceId).toMatch(
      /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/operations-Queue-/,
    );
    expect(byLogicalId.Queue?.ResourceStatus).toBe('CREATE_COMPLETE');
  });

  it('returns the deployed template and the one a pending change set would apply', async () => {
    await createChangeSet('pending', template(45));
    const original = await cfn.send(new GetTemplateCommand({ StackName: STACK }));
    const processed = await cfn.send(
      new GetTemplateCommand({ StackName: STACK, ChangeSetName: 'pending', TemplateStage: 'Original' }),
    );
    expect(JSON.parse(original.TemplateBody ?? '{}').Resources.Queue.Properties.VisibilityTimeout).toBe(30);
    expect(JSON.parse(processed.TemplateBody ?? '{}').Resources.Queue.Properties.VisibilityTimeout).toBe(45);
  });

  it('deletes a change set, after which it is no longer found or listed', async () => {
    await createChangeSet('doomed', template(50));
    await cfn.send(new DeleteChangeSetCommand({ StackName: STACK, ChangeSetName: 'doomed' }));
    const error = await refusal(
      cfn.send(new DescribeChangeSetCommand({ StackName: STACK, ChangeSetName: 'doomed' })),
    );
    expect(error.name).toBe('ChangeSetNotFoundException');
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: STACK }));
    expect(listed.Summaries?.map((summary) => summary.ChangeSetName)).not.toContain('doomed');
  });

  it('refuses an invalid template with ValidationError and creates no change set', async () => {
    const error = await refusal(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: STACK,
          ChangeSetName: 'invalid',
          ChangeSetType: 'UPDATE',
          TemplateBody:
            '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "Nope"}}}}}',
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('Nope');
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: STACK }));
    expect(listed.Summaries?.map((summary) => summary.ChangeSetName)).not.toContain('invalid');
  });
});

describe('the emulated CloudFormation while a stack update runs', () => {
  // Its own cloud with slow resources, so the update is still running when the second change set
  // is executed, however busy the machine is (the shared cloud above updates in milliseconds).
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;
  const stackStatus = async () =>
    (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0]?.StackStatus ?? '';
  const createChangeSet = async (name: string, body: string) => {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: STACK,
        ChangeSetName: name,
        ChangeSetType: name === 'create' ? 'CREATE' : 'UPDATE',
        TemplateBody: body,
      }),
    );
    return waitFor(
      () => cfn.send(new DescribeChangeSetCommand({ StackName: STACK, ChangeSetName: name })),
      (described) => described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED',
    );
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (error: unknown) => error as CloudFormationServiceException,
    );

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 1_500, stackPhase: 2 },
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    await createChangeSet('create', template(30));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: STACK, ChangeSetName: 'create' }));
    await waitFor(stackStatus, (status) => status === 'CREATE_COMPLETE');
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('refuses to execute a change set while another update of the stack is in progress', async () => {
    await createChangeSet('first', template(60));
    await createChangeSet('second', template(70));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: STACK, ChangeSetName: 'first' }));
    expect(await stackStatus()).toMatch(/_IN_PROGRESS$/);
    const error = await refusal(
      cfn.send(new ExecuteChangeSetCommand({ StackName: STACK, ChangeSetName: 'second' })),
    );
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/is in UPDATE_\w*IN_PROGRESS state and can not be updated/);
    await waitFor(stackStatus, (status) => status === 'UPDATE_COMPLETE');
  });
});
