import { describe, expect, it } from 'vitest';
import { createS3Store } from '../../../../local/s3/s3-store.ts';

function storeWith(keys: string[]) {
  const store = createS3Store();
  store.createBucket('bkt');
  for (const key of keys) store.putObject('bkt', key, Buffer.from(key));
  return store;
}

describe('createS3Store', () => {
  it('gives objects the quoted MD5 of their body as ETag', () => {
    const store = storeWith([]);
    expect(store.putObject('bkt', 'k', Buffer.from('hello')).etag).toBe('"5d41402abc4b2a76b9719d911017c592"');
  });

  it.each([
    [
      'getObject on a missing bucket',
      (s: ReturnType<typeof createS3Store>) => s.getObject('nope', 'k'),
      'NoSuchBucket',
      404,
    ],
    [
      'getObject on a missing key',
      (s: ReturnType<typeof createS3Store>) => s.getObject('bkt', 'nope'),
      'NoSuchKey',
      404,
    ],
    [
      'createBucket twice',
      (s: ReturnType<typeof createS3Store>) => s.createBucket('bkt'),
      'BucketAlreadyOwnedByYou',
      409,
    ],
    [
      'createBucket with a bad name',
      (s: ReturnType<typeof createS3Store>) => s.createBucket('Bad_Name'),
      'InvalidBucketName',
      400,
    ],
    [
      'deleteBucket when not empty',
      (s: ReturnType<typeof createS3Store>) => s.deleteBucket('bkt'),
      'BucketNotEmpty',
      409,
    ],
  ])('refuses %s with its S3 error', (_name, act, code, status) => {
    const store = storeWith(['k']);
    expect(() => act(store)).toThrow(expect.objectContaining({ code, statusCode: status }));
  });

  it('lists keys in order under a prefix', () => {
    const listing = storeWith(['b/2', 'a/1', 'b/1']).listObjects('bkt', { prefix: 'b/' });
    expect(listing.objects.map((object) => object.key)).toEqual(['b/1', 'b/2']);
    expect(listing.truncated).toBe(false);
  });

  it('rolls keys up into common prefixes under a delimiter', () => {
    const listing = storeWith(['a/1', 'a/2', 'b/1', 'top']).listObjects('bkt', { delimiter: '/' });
    expect(listing.commonPrefixes).toEqual(['a/', 'b/']);
    expect(listing.objects.map((object) => object.key)).toEqual(['top']);
  });

  it('pages past a common prefix without listing it again', () => {
    const store = storeWith(['a/1', 'a/2', 'b/1']);
    const first = store.listObjects('bkt', { delimiter: '/', maxKeys: 1 });
    expect(first).toMatchObject({ commonPrefixes: ['a/'], truncated: true, lastKey: 'a/' });
    const second = store.listObjects('bkt', { delimiter: '/', maxKeys: 1, after: first.lastKey! });
    expect(second.commonPrefixes).toEqual(['b/']);
  });
});
