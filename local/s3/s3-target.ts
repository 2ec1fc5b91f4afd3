import { AwsServiceError } from '../cloud/service.ts';

/** The operation, bucket and key an S3 REST request names. */
export interface S3Target {
  readonly operation: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
}

/** Query parameters that select a plain object or listing operation; any other names a sub-resource. */
const PLAIN_PARAMETERS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'x-id',
]);

/**
 * Names the S3 operation a request is (`PutObject`, `ListObjectsV2`, ...), for routing,
 * fault rules and counters. Operations the local S3 does not serve are `Unsupported`.
 */
export function s3Target(method: string, url: string): S3Target {
  const [rawPath = '/', rawQuery = ''] = url.split('?', 2);
  const query = new URLSearchParams(rawQuery);
  const slash = rawPath.indexOf('/', 1);
  const bucket = decode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash)) || undefined;
  const key = slash < 0 || slash === rawPath.length - 1 ? undefined : decode(rawPath.slice(slash + 1));
  const subresource = [...query.keys()].some(
    (name) => !PLAIN_PARAMETERS.has(name) && !name.startsWith('X-Amz-'),
  );
  const operation = subresource ? 'Unsupported' : operationOf(method, bucket, key, query);
  return { operation, bucket, key, query };
}

function operationOf(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
) {
  if (!bucket) return method === 'GET' ? 'ListBuckets' : 'Unsupported';
  if (!key) {
    const bucketOperations: Record<string, string> = {
      PUT: 'CreateBucket',
      DELETE: 'DeleteBucket',
      HEAD: 'HeadBucket',
      GET: query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects',
    };
    return bucketOperations[method] ?? 'Unsupported';
  }
  const objectOperations: Record<string, string> = {
    PUT: 'PutObject',
    GET: 'GetObject',
    HEAD: 'HeadObject',
    DELETE: 'DeleteObject',
  };
  return objectOperations[method] ?? 'Unsupported';
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsServiceError('InvalidURI', "Couldn't parse the specified URI.");
  }
}
