import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  ValidateTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';

/** A valid template of exactly `bytes` bytes, padded in its Metadata. */
function templateOf(bytes: number): string {
  const shape = (pad: string) =>
    JSON.stringify({ Metadata: { Pad: pad }, Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });
  const body = shape('x'.repeat(bytes - shape('').length));
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

const refusal = (caught: unknown) => {
  expect(caught).toBeInstanceOf(CloudFormationServiceException);
  return caught as CloudFormationServiceException;
};

describe("the local cloud keeps CloudFormation's template size limits", () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;
  let s3: S3Client;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'templates' }));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it.each([
    [
      'CreateChangeSet',
      (body: string) =>
        new CreateChangeSetCommand({
          StackName: 'big',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: body,
        }),
    ],
    ['ValidateTemplate', (body: string) => new ValidateTemplateCommand({ TemplateBody: body })],
  ] as const)(
    '%s refuses a TemplateBody of 51,201 bytes with the ValidationError AWS sends',
    async (_, command) => {
      const body = templateOf(51_201);

      const error = refusal(await cfn.send(command(body) as never).catch((caught: unknown) => caught));

      expect(error.name).toBe('ValidationError');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        `1 validation error detected: Value '${body}' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200`,
      );
    },
  );

  it('creates nothing for a refused TemplateBody', async () => {
    await cfn
      .send(
        new CreateChangeSetCommand({
          StackName: 'refused',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: templateOf(60_000),
        }),
      )
      .catch(() => undefined);

    const error = refusal(
      await cfn.send(new DescribeStacksCommand({ StackName: 'refused' })).catch((caught: unknown) => caught),
    );
    expect(error.message).toBe('Stack with id refused does not exist');
  });

  it('accepts a TemplateBody of exactly 51,200 bytes', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'at-limit',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody: templateOf(51_200),
      }),
    );
    expect(created.Id).toMatch(/:changeSet\/c\//);
  });

  it('accepts the same large template through TemplateURL', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'big.json', Body: templateOf(200_000) }));

    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'by-url',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateURL: `${cloud.endpoint}/templates/big.json`,
      }),
    );
    const validated = await cfn.send(
      new ValidateTemplateCommand({ TemplateURL: `${cloud.endpoint}/templates/big.json` }),
    );

    expect(created.Id).toMatch(/:changeSet\/c\//);
    expect(validated.Parameters).toEqual([]);
  });

  it('refuses a TemplateURL template over 1 MB', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'templates', Key: 'huge.json', Body: templateOf(1_048_577) }),
    );

    const error = refusal(
      await cfn
        .send(
          new CreateChangeSetCommand({
            StackName: 'huge',
            ChangeSetName: 'c',
            ChangeSetType: 'CREATE',
            TemplateURL: `${cloud.endpoint}/templates/huge.json`,
          }),
        )
        .catch((caught: unknown) => caught),
    );

    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('Template may not exceed 1048576 bytes in size.');
  });
});
