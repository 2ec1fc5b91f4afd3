import { describe, expect, it } from 'vitest';
import { emulatorHarness, failure } from '../cloudformation/emulator-harness.ts';

const template = {
  Resources: {
    Bucket: {
      Type: 'AWS::S3::Bucket',
      Properties: { BucketName: 'assets', VersioningConfiguration: { Status: 'Enabled' } },
    },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs', VisibilityTimeout: 30 } },
  },
};

describe('Cloud Control over the stacks’ resources', () => {
  it('gets a stack resource by its primary identifier with its read-only properties', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);

    const { TypeName, ResourceDescription } = await h.cc('GetResource', {
      TypeName: 'AWS::S3::Bucket',
      Identifier: 'assets',
    });

    expect(TypeName).toBe('AWS::S3::Bucket');
    expect(ResourceDescription.Identifier).toBe('assets');
    expect(JSON.parse(ResourceDescription.Properties)).toMatchObject({
      BucketName: 'assets',
      VersioningConfiguration: { Status: 'Enabled' },
      Arn: 'arn:aws:s3:::assets',
    });
  });

  it('identifies an SQS queue by its URL', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);

    const { ResourceDescriptions } = await h.cc('ListResources', { TypeName: 'AWS::SQS::Queue' });

    expect(ResourceDescriptions.map((description: { Identifier: string }) => description.Identifier)).toEqual(
      ['https://sqs.eu-west-1.amazonaws.com/123456789012/jobs'],
    );
  });

  it('answers an update IN_PROGRESS, then SUCCESS with the new model', async () => {
    const h = emulatorHarness({ delays: { cloudControl: 20 } });
    await h.deploy('app', template);

    const { ProgressEvent } = await h.cc('UpdateResource', {
      TypeName: 'AWS::S3::Bucket',
      Identifier: 'assets',
      PatchDocument: JSON.stringify([
        { op: 'replace', path: '/VersioningConfiguration/Status', value: 'Suspended' },
      ]),
    });
    await h.emulator.idle();
    const status = await h.cc('GetResourceRequestStatus', { RequestToken: ProgressEvent.RequestToken });

    expect(ProgressEvent).toMatchObject({
      Operation: 'UPDATE',
      OperationStatus: 'IN_PROGRESS',
      Identifier: 'assets',
    });
    expect(status.ProgressEvent.OperationStatus).toBe('SUCCESS');
    expect(JSON.parse(status.ProgressEvent.ResourceModel).VersioningConfiguration.Status).toBe('Suspended');
  });

  it('answers a repeated ClientToken with the same request', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const request = {
      TypeName: 'AWS::S3::Bucket',
      Identifier: 'assets',
      PatchDocument: JSON.stringify([{ op: 'add', path: '/Tags', value: [] }]),
      ClientToken: 'same',
    };

    const first = await h.cc('UpdateResource', request);
    const second = await h.cc('UpdateResource', request);

    expect(second.ProgressEvent.RequestToken).toBe(first.ProgressEvent.RequestToken);
  });

  it('deletes a resource', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);

    await h.cc('DeleteResource', { TypeName: 'AWS::S3::Bucket', Identifier: 'assets' });
    await h.emulator.idle();

    expect(
      (await failure(h.cc('GetResource', { TypeName: 'AWS::S3::Bucket', Identifier: 'assets' }))).code,
    ).toBe('ResourceNotFoundException');
  });

  it.each([
    [
      'an unknown resource',
      { TypeName: 'AWS::S3::Bucket', Identifier: 'nope', PatchDocument: '[]' },
      'ResourceNotFoundException',
    ],
    [
      'a create-only property',
      {
        TypeName: 'AWS::S3::Bucket',
        Identifier: 'assets',
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/BucketName', value: 'x' }]),
      },
      'NotUpdatableException',
    ],
    [
      'a patch that is not a list',
      { TypeName: 'AWS::S3::Bucket', Identifier: 'assets', PatchDocument: '{"op":"add"}' },
      'InvalidRequestException',
    ],
    [
      'a patch that does not apply',
      {
        TypeName: 'AWS::S3::Bucket',
        Identifier: 'assets',
        PatchDocument: JSON.stringify([{ op: 'remove', path: '/Nope' }]),
      },
      'InvalidRequestException',
    ],
    [
      'a malformed type name',
      { TypeName: 'S3Bucket', Identifier: 'assets', PatchDocument: '[]' },
      'TypeNotFoundException',
    ],
  ])('refuses an update of %s and changes nothing', async (_name, input, code) => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const before = structuredClone(h.emulator.resources.get('AWS::S3::Bucket', 'assets')!.properties);

    const error = await failure(h.cc('UpdateResource', input));

    expect(error.code).toBe(code);
    expect(h.emulator.resources.get('AWS::S3::Bucket', 'assets')!.properties).toEqual(before);
  });

  it('answers RequestTokenNotFoundException for an unknown request token', async () => {
    const h = emulatorHarness();

    expect((await failure(h.cc('GetResourceRequestStatus', { RequestToken: 'nope' }))).code).toBe(
      'RequestTokenNotFoundException',
    );
  });
});
