import { describe, expect, it } from 'vitest';
import { s3Target } from '../../../../local/s3/s3-target.ts';

describe('s3Target', () => {
  it.each([
    ['GET', '/', 'ListBuckets', undefined, undefined],
    ['PUT', '/b', 'CreateBucket', 'b', undefined],
    ['HEAD', '/b', 'HeadBucket', 'b', undefined],
    ['GET', '/b?list-type=2&prefix=a%2F', 'ListObjectsV2', 'b', undefined],
    ['PUT', '/b/dir/a%20b.txt?x-id=PutObject', 'PutObject', 'b', 'dir/a b.txt'],
    ['GET', '/b/k', 'GetObject', 'b', 'k'],
    ['DELETE', '/b/k', 'DeleteObject', 'b', 'k'],
    ['GET', '/b/k?tagging', 'Unsupported', 'b', 'k'],
    ['POST', '/b/k?uploads', 'Unsupported', 'b', 'k'],
  ])('names %s %s as %s', (method, url, operation, bucket, key) => {
    expect(s3Target(method, url)).toMatchObject({ operation, bucket, key });
  });
});
