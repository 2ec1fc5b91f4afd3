import type { IncomingHttpHeaders } from 'node:http';
import { element } from '../cloud/encode-xml-value.ts';
import { escapeXml } from '../cloud/escape-xml.ts';
import { AwsServiceError } from '../cloud/service.ts';
import { decodeAwsChunked, isAwsChunked } from './decode-aws-chunked.ts';
import type { S3Object, S3Store } from './s3-store.ts';

/** An S3 REST request, already read: path-style `/<bucket>/<key>`. */
export interface S3Request {
  readonly method: string;
  /** The raw request target, `/bucket/some%20key?list-type=2`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An S3 REST answer. */
export interface S3Response {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const OWNER = { ID: 'converge-local', DisplayName: 'converge-local' };

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

interface S3Target {
  readonly operation: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: URLSearchParams;
}

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

/**
 * Serves one S3 REST request from the store: buckets (create, head, delete, list), objects
 * (put, get, head, delete) and ListObjectsV2, with S3's XML errors.
 */
export function handleS3Request(store: S3Store, request: S3Request, requestId: string): S3Response {
  const target = s3Target(request.method, request.url);
  const { bucket, key, query } = target;
  try {
    switch (target.operation) {
      case 'ListBuckets':
        return xml(requestId, listBucketsXml(store));
      case 'CreateBucket':
        store.createBucket(bucket!);
        return empty(requestId, 200, { location: `/${bucket}` });
      case 'HeadBucket':
        if (!store.hasBucket(bucket!)) return empty(requestId, 404);
        return empty(requestId, 200);
      case 'DeleteBucket':
        store.deleteBucket(bucket!);
        return empty(requestId, 204);
      case 'ListObjectsV2':
        return xml(requestId, listObjectsV2Xml(store, bucket!, query));
      case 'PutObject': {
        if (request.headers['x-amz-copy-source']) break;
        const body = isAwsChunked(request.headers) ? decodeAwsChunked(request.body) : request.body;
        const contentType = request.headers['content-type'];
        const object = store.putObject(bucket!, key!, body, {
          ...(contentType ? { contentType } : {}),
          metadata: userMetadata(request.headers),
        });
        return empty(requestId, 200, { etag: object.etag });
      }
      case 'GetObject': {
        const object = store.getObject(bucket!, key!);
        return { statusCode: 200, headers: objectHeaders(requestId, object), body: object.body };
      }
      case 'HeadObject': {
        const object = store.getObject(bucket!, key!);
        return { statusCode: 200, headers: objectHeaders(requestId, object), body: '' };
      }
      case 'DeleteObject':
        store.deleteObject(bucket!, key!);
        return empty(requestId, 204);
    }
    throw new AwsServiceError(
      'NotImplemented',
      `The local S3 does not implement ${request.method} ${request.url.split('?')[0]} with these parameters; it serves buckets, objects and ListObjectsV2.`,
      { statusCode: 501 },
    );
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return s3Error(error, requestId, request.method === 'HEAD', { bucket, key });
  }
}

/** Encodes an S3 error: `<Error><Code/><Message/>…<RequestId/></Error>`; HEAD answers carry no body. */
export function s3Error(
  error: AwsServiceError,
  requestId: string,
  head = false,
  resource: { bucket?: string | undefined; key?: string | undefined } = {},
): S3Response {
  const detail =
    error.code === 'NoSuchKey'
      ? element('Key', resource.key)
      : error.code === 'NoSuchBucket'
        ? element('BucketName', resource.bucket)
        : '';
  const body =
    `${XML_DECLARATION}<Error>${element('Code', error.code)}${element('Message', error.message)}${detail}` +
    `${element('RequestId', requestId)}${element('HostId', requestId)}</Error>`;
  return {
    statusCode: error.statusCode,
    headers: { ...baseHeaders(requestId), 'content-type': 'application/xml' },
    body: head ? '' : body,
  };
}

function listBucketsXml(store: S3Store): string {
  const buckets = store.listBuckets().map(({ name, created }) => ({ Name: name, CreationDate: created }));
  return `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}">${element('Owner', OWNER)}<Buckets>${buckets
    .map((bucket) => element('Bucket', bucket))
    .join('')}</Buckets></ListAllMyBucketsResult>`;
}

function listObjectsV2Xml(store: S3Store, bucket: string, query: URLSearchParams): string {
  const maxKeys = Math.min(Number(query.get('max-keys') ?? 1000) || 0, 1000);
  const token = query.get('continuation-token');
  const after = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : (query.get('start-after') ?? undefined);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? undefined;
  const listing = store.listObjects(bucket, {
    prefix,
    maxKeys,
    ...(after ? { after } : {}),
    ...(delimiter ? { delimiter } : {}),
  });
  const contents = listing.objects
    .map((object) =>
      element('Contents', {
        Key: object.key,
        LastModified: object.lastModified,
        ETag: object.etag,
        Size: object.body.length,
        StorageClass: 'STANDARD',
      }),
    )
    .join('');
  const prefixes = listing.commonPrefixes
    .map((common) => element('CommonPrefixes', { Prefix: common }))
    .join('');
  const next =
    listing.truncated && listing.lastKey !== undefined
      ? element('NextContinuationToken', Buffer.from(listing.lastKey).toString('base64url'))
      : '';
  return (
    `<ListBucketResult xmlns="${S3_NAMESPACE}">${element('Name', bucket)}<Prefix>${escapeXml(prefix)}</Prefix>` +
    `${delimiter ? element('Delimiter', delimiter) : ''}${element('MaxKeys', maxKeys)}` +
    `${element('KeyCount', listing.objects.length + listing.commonPrefixes.length)}` +
    `${element('IsTruncated', listing.truncated)}${token ? element('ContinuationToken', token) : ''}${next}` +
    `${contents}${prefixes}</ListBucketResult>`
  );
}

function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
  }
  return metadata;
}

function objectHeaders(requestId: string, object: S3Object): Record<string, string> {
  const headers: Record<string, string> = {
    ...baseHeaders(requestId),
    'content-type': object.contentType,
    'content-length': String(object.body.length),
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function xml(requestId: string, body: string): S3Response {
  return {
    statusCode: 200,
    headers: { ...baseHeaders(requestId), 'content-type': 'application/xml' },
    body: `${XML_DECLARATION}${body}`,
  };
}

function empty(requestId: string, statusCode: number, headers: Record<string, string> = {}): S3Response {
  return { statusCode, headers: { ...baseHeaders(requestId), ...headers }, body: '' };
}

function baseHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
}
