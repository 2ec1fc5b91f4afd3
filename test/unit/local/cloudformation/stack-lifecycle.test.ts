// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates use CloudFormation Fn::Sub syntax
import { describe, expect, it } from 'vitest';
import { emulatorHarness, failure, queueTemplate } from './emulator-harness.ts';

const statusesOf = (
  events: Array<{ LogicalResourceId: string; ResourceStatus: string }>,
  logicalId: string,
) =>
  events
    .filter((event) => event.LogicalResourceId === logicalId)
    .map((event) => event.ResourceStatus)
    .reverse();

const pipeline = {
  Parameters: { Env: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
  Resources: {
    Topic: { Type: 'AWS::SNS::Topic' },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': '${AWS::StackName}-jobs' } } },
    Alarm: { Type: 'AWS::SNS::Topic', Condition: 'IsProd' },
    Parameter: {
      Type: 'AWS::SSM::Parameter',
      DependsOn: 'Topic',
      Properties: {
        Type: 'String',
        Value: { 'Fn::Join': [',', [{ Ref: 'Topic' }, { 'Fn::GetAtt': ['Queue', 'Arn'] }]] },
      },
    },
  },
  Outputs: {
    QueueUrl: { Value: { Ref: 'Queue' }, Description: 'jobs', Export: { Name: 'app-queue' } },
    AlarmArn: { Condition: 'IsProd', Value: { Ref: 'Alarm' } },
  },
};

describe('stack creation', () => {
  it('moves REVIEW_IN_PROGRESS → CREATE_IN_PROGRESS → CREATE_COMPLETE with resource events', async () => {
    const h = emulatorHarness();

    const stack = await h.deploy('app', queueTemplate());
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(statusesOf(StackEvents, 'app')).toEqual([
      'REVIEW_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
      'CREATE_COMPLETE',
    ]);
    expect(statusesOf(StackEvents, 'Queue')).toEqual([
      'CREATE_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
      'CREATE_COMPLETE',
    ]);
    expect(
      StackEvents.find(
        (event: { ResourceStatusReason?: string }) =>
          event.ResourceStatusReason === 'Resource creation Initiated',
      ),
    ).toBeDefined();
  });

  it('evaluates conditions, Sub, Join, GetAtt and outputs, and creates what the conditions allow', async () => {
    const h = emulatorHarness();

    const stack = await h.deploy('app', pipeline);
    const { StackResourceSummaries } = await h.cfn('ListStackResources', { StackName: 'app' });
    const parameterName = await h.physicalId('app', 'Parameter');
    const topicArn = await h.physicalId('app', 'Topic');

    expect(
      StackResourceSummaries.map(
        (summary: { LogicalResourceId: string }) => summary.LogicalResourceId,
      ).sort(),
    ).toEqual(['Parameter', 'Queue', 'Topic']);
    expect(stack.Outputs).toEqual([
      {
        OutputKey: 'QueueUrl',
        OutputValue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/app-jobs',
        Description: 'jobs',
        ExportName: 'app-queue',
      },
    ]);
    expect(h.emulator.resources.get('AWS::SSM::Parameter', parameterName)!.properties.Value).toBe(
      `${topicArn},arn:aws:sqs:eu-west-1:123456789012:app-jobs`,
    );
  });

  it('generates physical ids like CloudFormation for unnamed resources', async () => {
    const h = emulatorHarness();
    await h.deploy('app', {
      Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Queue: { Type: 'AWS::SQS::Queue' } },
    });

    expect(await h.physicalId('app', 'Bucket')).toMatch(/^app-bucket-[a-z0-9]{13}$/);
    expect(await h.physicalId('app', 'Queue')).toMatch(
      /^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/app-Queue-[A-Z0-9]{13}$/,
    );
  });

  it('rolls back a failed create: CREATE_FAILED, ROLLBACK_IN_PROGRESS, ROLLBACK_COMPLETE, nothing left', async () => {
    const h = emulatorHarness();
    h.emulator.failures.add({
      operation: 'create',
      logicalId: 'Parameter',
      message: 'Parameter limit exceeded',
    });

    const stack = await h.deploy('app', pipeline);
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(statusesOf(StackEvents, 'app')).toEqual([
      'REVIEW_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
      'ROLLBACK_IN_PROGRESS',
      'ROLLBACK_COMPLETE',
    ]);
    expect(
      StackEvents.find((event: { ResourceStatus: string }) => event.ResourceStatus === 'CREATE_FAILED'),
    ).toMatchObject({
      LogicalResourceId: 'Parameter',
      ResourceStatusReason: 'Parameter limit exceeded',
    });
    expect(
      StackEvents.find((event: { ResourceStatus: string }) => event.ResourceStatus === 'ROLLBACK_IN_PROGRESS')
        .ResourceStatusReason,
    ).toBe('The following resource(s) failed to create: [Parameter]. Rollback requested by user.');
    expect(h.emulator.resources.list('AWS::SQS::Queue')).toEqual([]);
    expect(h.emulator.resources.list('AWS::SNS::Topic')).toEqual([]);
  });

  it('refuses an UPDATE change set on a stack in ROLLBACK_COMPLETE', async () => {
    const h = emulatorHarness();
    h.emulator.failures.add({ operation: 'create', resourceType: 'AWS::SQS::Queue', message: 'boom' });
    await h.deploy('app', queueTemplate());

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'u',
        TemplateBody: JSON.stringify(queueTemplate(60)),
      }),
    );

    expect(error.message).toMatch(/is in ROLLBACK_COMPLETE state and can not be updated\.$/);
  });
});

describe('stack update', () => {
  it('moves UPDATE_IN_PROGRESS → UPDATE_COMPLETE_CLEANUP_IN_PROGRESS → UPDATE_COMPLETE and applies the change', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));

    const stack = await h.deploy('app', queueTemplate(60));
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });
    const queue = h.emulator.resources.get('AWS::SQS::Queue', await h.physicalId('app', 'Queue'))!;

    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack.LastUpdatedTime).toBeInstanceOf(Date);
    expect(statusesOf(StackEvents, 'app').slice(3)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_COMPLETE',
    ]);
    expect(queue.properties.VisibilityTimeout).toBe(60);
  });

  it('replaces a resource whose create-only property changed and deletes the old one in cleanup', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30, { QueueName: 'orders' }));
    const oldUrl = await h.physicalId('app', 'Queue');

    await h.deploy('app', queueTemplate(30, { QueueName: 'orders-v2' }));
    const newUrl = await h.physicalId('app', 'Queue');

    expect(newUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/orders-v2');
    expect(h.emulator.resources.get('AWS::SQS::Queue', oldUrl)).toBeUndefined();
    expect(h.emulator.resources.get('AWS::SQS::Queue', newUrl)).toBeDefined();
  });

  it('fails replacing a custom-named resource whose name stays the same', async () => {
    const h = emulatorHarness();
    const template = (hashKey: string) => ({
      Resources: {
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { TableName: 'orders', KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }] },
        },
      },
    });
    await h.deploy('app', template('id'));

    const stack = await h.deploy('app', template('orderId'));
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(
      StackEvents.find((event: { ResourceStatus: string }) => event.ResourceStatus === 'UPDATE_FAILED')
        .ResourceStatusReason,
    ).toBe(
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename orders and update the stack again.',
    );
  });

  it('rolls back a failed update: earlier changes undone, added resources deleted, template kept', async () => {
    const h = emulatorHarness();
    const before = {
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } } },
    };
    const after = {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 60 } },
        Topic: { Type: 'AWS::SNS::Topic', DependsOn: 'Queue' },
        Parameter: {
          Type: 'AWS::SSM::Parameter',
          DependsOn: 'Topic',
          Properties: { Type: 'String', Value: 'x' },
        },
      },
    };
    await h.deploy('app', before);
    h.emulator.failures.add({
      operation: 'create',
      logicalId: 'Parameter',
      message: 'Throttling: Rate exceeded',
    });

    const stack = await h.deploy('app', after);
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });
    const queue = h.emulator.resources.get('AWS::SQS::Queue', await h.physicalId('app', 'Queue'))!;

    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statusesOf(StackEvents, 'app').slice(-4)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(queue.properties.VisibilityTimeout).toBe(30);
    expect(h.emulator.resources.list('AWS::SNS::Topic')).toEqual([]);
    expect((await h.cfn('GetTemplate', { StackName: 'app' })).TemplateBody).toBe(JSON.stringify(before));
  });

  it('publishes Stack Status Change events with the execution ClientRequestToken', async () => {
    const h = emulatorHarness();
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify(queueTemplate()),
    });
    await h.waitForChangeSet('app', 'first');

    await h.cfn('ExecuteChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ClientRequestToken: 'deploy-42',
    });
    const stack = await h.waitForStack('app');
    const events = h.published.filter(
      (event) => event['detail-type'] === 'CloudFormation Stack Status Change',
    );

    expect(events.at(-1)).toMatchObject({
      version: '0',
      source: 'aws.cloudformation',
      account: '123456789012',
      region: 'eu-west-1',
      resources: [stack.StackId],
      detail: {
        'stack-id': stack.StackId,
        'status-details': { status: 'CREATE_COMPLETE', 'status-reason': '' },
        'client-request-token': 'deploy-42',
      },
    });
    expect(events.map((event) => (event.detail['status-details'] as { status: string }).status)).toEqual([
      'REVIEW_IN_PROGRESS',
      'CREATE_IN_PROGRESS',
      'CREATE_COMPLETE',
    ]);
  });
});

describe('stack reads and deletion', () => {
  it('deletes a stack: DELETE_IN_PROGRESS → DELETE_COMPLETE, resources gone, still listed by ListStacks', async () => {
    const h = emulatorHarness();
    const { StackId } = await h.deploy('app', pipeline);

    await h.cfn('DeleteStack', { StackName: 'app' });
    await h.emulator.idle();
    const listed = await h.cfn('ListStacks', { StackStatusFilter: ['DELETE_COMPLETE'] });

    expect(listed.StackSummaries).toEqual([
      expect.objectContaining({ StackId, StackStatus: 'DELETE_COMPLETE' }),
    ]);
    expect(h.emulator.resources.list('AWS::SQS::Queue')).toEqual([]);
    expect((await failure(h.cfn('DescribeStacks', { StackName: 'app' }))).message).toBe(
      'Stack with id app does not exist',
    );
    expect((await h.cfn('DescribeStacks', { StackName: StackId })).Stacks[0].StackStatus).toBe(
      'DELETE_COMPLETE',
    );
  });

  it('keeps resources with DeletionPolicy Retain', async () => {
    const h = emulatorHarness();
    await h.deploy('app', {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', Properties: { BucketName: 'keep-me' } },
      },
    });

    await h.cfn('DeleteStack', { StackName: 'app' });
    await h.emulator.idle();

    expect(h.emulator.resources.get('AWS::S3::Bucket', 'keep-me')).toBeDefined();
  });

  it('filters ListStacks by status', async () => {
    const h = emulatorHarness();
    await h.deploy('one', queueTemplate());
    await h.cfn('CreateChangeSet', {
      StackName: 'two',
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify(queueTemplate()),
    });

    const { StackSummaries } = await h.cfn('ListStacks', { StackStatusFilter: ['REVIEW_IN_PROGRESS'] });

    expect(StackSummaries.map((summary: { StackName: string }) => summary.StackName)).toEqual(['two']);
  });

  it('describes stack resources by logical id with drift information', async () => {
    const h = emulatorHarness();
    const { StackId } = await h.deploy('app', queueTemplate());

    const { StackResources } = await h.cfn('DescribeStackResources', {
      StackName: 'app',
      LogicalResourceId: 'Queue',
    });

    expect(StackResources).toEqual([
      expect.objectContaining({
        StackName: 'app',
        StackId,
        LogicalResourceId: 'Queue',
        ResourceType: 'AWS::SQS::Queue',
        ResourceStatus: 'CREATE_COMPLETE',
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      }),
    ]);
  });

  it('validates a template: parameters, description and required capabilities', async () => {
    const h = emulatorHarness();
    const template = {
      Description: 'roles',
      Parameters: {
        Env: { Type: 'String', Default: 'dev', Description: 'environment' },
        Token: { Type: 'String', NoEcho: true },
      },
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    };

    const result = await h.cfn('ValidateTemplate', { TemplateBody: JSON.stringify(template) });

    expect(result).toMatchObject({
      Description: 'roles',
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'Env', DefaultValue: 'dev', NoEcho: false, Description: 'environment' },
        { ParameterKey: 'Token', NoEcho: true },
      ],
    });
  });

  it('rejects an invalid template in ValidateTemplate', async () => {
    const h = emulatorHarness();

    const error = await failure(h.cfn('ValidateTemplate', { TemplateBody: 'Resources: [' }));

    expect(error.code).toBe('ValidationError');
  });
});
