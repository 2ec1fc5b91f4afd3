import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { clientConfig } from './fake-services.ts';

describe('the local S3', () => {
  let cloud: LocalCloud;
  let s3: S3Client;

  beforeAll(async () => {
    cloud = await startLocalCloud({ dynamodb: false });
    s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'templates' }));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('stores an object and returns it with its MD5 ETag and content type', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'templates',
        Key: 'stacks/web.yaml',
        Body: 'Resources: {}\n',
        ContentType: 'application/x-yaml',
      }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update('Resources: {}\n').digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'templates', Key: 'stacks/web.yaml' }));
    expect(await got.Body?.transformToString()).toBe('Resources: {}\n');
    expect(got.ContentType).toBe('application/x-yaml');
    expect(got.ETag).toBe(put.ETag);
  });

  it('keeps keys with spaces and unicode intact', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'a dir/é+ü.json', Body: '{}' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'templates', Key: 'a dir/é+ü.json' }));
    expect(head.ContentLength).toBe(2);
  });

  it('stores a streamed upload sent with aws-chunked encoding', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'templates',
        Key: 'streamed.txt',
        Body: Readable.from([Buffer.from('hello '), Buffer.from('stream')]),
        ContentLength: 12,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'templates', Key: 'streamed.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello stream');
  });

  it('lists objects under a prefix', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'list/a.yaml', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'list/b.yaml', Body: 'bb' }));
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'templates', Prefix: 'list/' }));
    expect(listing.Contents?.map(({ Key, Size }) => ({ Key, Size }))).toEqual([
      { Key: 'list/a.yaml', Size: 1 },
      { Key: 'list/b.yaml', Size: 2 },
    ]);
    expect(listing.KeyCount).toBe(2);
    expect(listing.IsTruncated).toBe(false);
  });

  it('pages a listing with continuation tokens', async () => {
    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: 'templates', Prefix: 'list/', MaxKeys: 1 }),
    );
    expect(first.Contents?.map((object) => object.Key)).toEqual(['list/a.yaml']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'templates',
        Prefix: 'list/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.Contents?.map((object) => object.Key)).toEqual(['list/b.yaml']);
  });

  it('deletes an object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'gone.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'templates', Key: 'gone.txt' }));
    const failure = await s3
      .send(new GetObjectCommand({ Bucket: 'templates', Key: 'gone.txt' }))
      .catch((e) => e);
    expect(failure.name).toBe('NoSuchKey');
  });

  it('answers NoSuchKey with 404', async () => {
    const failure = await s3
      .send(new GetObjectCommand({ Bucket: 'templates', Key: 'nothing' }))
      .catch((e) => e);
    expect(failure.name).toBe('NoSuchKey');
    expect(failure.$metadata.httpStatusCode).toBe(404);
  });

  it('answers NoSuchBucket with 404', async () => {
    const failure = await s3
      .send(new PutObjectCommand({ Bucket: 'nobucket', Key: 'k', Body: 'x' }))
      .catch((e) => e);
    expect(failure.name).toBe('NoSuchBucket');
    expect(failure.$metadata.httpStatusCode).toBe(404);
  });

  it('answers HeadObject on a missing key with NotFound', async () => {
    const failure = await s3
      .send(new HeadObjectCommand({ Bucket: 'templates', Key: 'nothing' }))
      .catch((e) => e);
    expect(failure.$metadata.httpStatusCode).toBe(404);
  });

  it('resolves template URLs of both styles to the stored object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'templates', Key: 'cfn/main.yaml', Body: 'Resources: {}' }));
    expect(await cloud.fetchTemplate(`${cloud.endpoint}/templates/cfn/main.yaml`)).toBe('Resources: {}');
    expect(await cloud.fetchTemplate('https://templates.s3.amazonaws.com/cfn/main.yaml')).toBe(
      'Resources: {}',
    );
    expect(await cloud.fetchTemplate('https://s3.eu-west-1.amazonaws.com/templates/cfn/main.yaml')).toBe(
      'Resources: {}',
    );
  });
});
