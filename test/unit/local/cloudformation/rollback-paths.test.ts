import { describe, expect, it } from 'vitest';
import { emulatorHarness, failure } from './emulator-harness.ts';

const statusesOf = (
  events: Array<{ LogicalResourceId: string; ResourceStatus: string }>,
  logicalId: string,
) =>
  events
    .filter((event) => event.LogicalResourceId === logicalId)
    .map((event) => event.ResourceStatus)
    .reverse();

describe('rollback and failure paths', () => {
  it('undoes a replacement when a later update fails: the new resource is deleted, the old one kept', async () => {
    const h = emulatorHarness();
    const template = (queueName: string, value: string) => ({
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: queueName } },
        Parameter: {
          Type: 'AWS::SSM::Parameter',
          DependsOn: 'Queue',
          Properties: { Type: 'String', Value: value },
        },
      },
    });
    await h.deploy('app', template('one', 'a'));
    const oldUrl = await h.physicalId('app', 'Queue');
    h.emulator.failures.add({ operation: 'update', logicalId: 'Parameter', message: 'AccessDenied' });

    const stack = await h.deploy('app', template('two', 'b'));
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.StackStatusReason ?? '').toBe('');
    expect(await h.physicalId('app', 'Queue')).toBe(oldUrl);
    expect(h.emulator.resources.list('AWS::SQS::Queue').map((queue) => queue.identifier)).toEqual([oldUrl]);
    expect(
      StackEvents.find(
        (event: { ResourceStatus: string }) => event.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS',
      ).ResourceStatusReason,
    ).toBe('The following resource(s) failed to update: [Parameter]. ');
  });

  it('fails an update of a resource deleted out of band', async () => {
    const h = emulatorHarness();
    const template = (timeout: number) => ({
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: timeout } } },
    });
    await h.deploy('app', template(30));
    const url = await h.physicalId('app', 'Queue');
    h.emulator.resources.delete('AWS::SQS::Queue', url);

    const stack = await h.deploy('app', template(60));
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(
      StackEvents.find((event: { ResourceStatus: string }) => event.ResourceStatus === 'UPDATE_FAILED')
        .ResourceStatusReason,
    ).toBe(`Resource of type 'AWS::SQS::Queue' with identifier '${url}' was not found.`);
  });

  it('ends in DELETE_FAILED when a resource cannot be deleted, and keeps that resource', async () => {
    const h = emulatorHarness();
    await h.deploy('app', {
      Resources: {
        Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'full' } },
        Topic: { Type: 'AWS::SNS::Topic' },
      },
    });
    h.emulator.failures.add({
      operation: 'delete',
      physicalId: 'full',
      message: 'The bucket you tried to delete is not empty',
    });

    await h.cfn('DeleteStack', { StackName: 'app' });
    const stack = await h.waitForStack('app');

    expect(stack).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'The following resource(s) failed to delete: [Bucket]. ',
    });
    expect(h.emulator.resources.get('AWS::S3::Bucket', 'full')).toBeDefined();
    expect(h.emulator.resources.list('AWS::SNS::Topic')).toEqual([]);
  });

  it('fires an injected failure only as many times as asked', async () => {
    const h = emulatorHarness();
    h.emulator.failures.add({
      operation: 'create',
      resourceType: 'AWS::SNS::Topic',
      message: 'once',
      times: 1,
    });

    const first = await h.deploy('first', { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
    const second = await h.deploy('second', { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });

    expect([first.StackStatus, second.StackStatus]).toEqual(['ROLLBACK_COMPLETE', 'CREATE_COMPLETE']);
  });

  it('keeps the template of a stack whose creation rolled back', async () => {
    const h = emulatorHarness();
    h.emulator.failures.add({ operation: 'create', logicalId: 'Topic', message: 'no' });
    const template = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };

    await h.deploy('app', template);
    const { StackEvents } = await h.cfn('DescribeStackEvents', { StackName: 'app' });

    expect((await h.cfn('GetTemplate', { StackName: 'app' })).TemplateBody).toBe(JSON.stringify(template));
    expect(statusesOf(StackEvents, 'Topic')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED']);
  });

  it('refuses a change of a resource type', async () => {
    const h = emulatorHarness();
    await h.deploy('app', { Resources: { Thing: { Type: 'AWS::SNS::Topic' } } });

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'retype',
        TemplateBody: JSON.stringify({ Resources: { Thing: { Type: 'AWS::SQS::Queue' } } }),
      }),
    );

    expect(error).toMatchObject({
      code: 'ValidationError',
      message:
        'Update of resource type is not permitted. The new template modifies resource type of the following resources: [Thing]',
    });
  });
});
