import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../cloud/service.ts';
import { decodeAwsChunked, isAwsChunked } from './decode-aws-chunked.ts';
import { listBucketsXml, listObjectsV2Xml } from './encode-s3-listing.ts';
import { emptyResponse, type S3Response, s3Error, s3Headers, xmlResponse } from './s3-response.ts';
import type { S3Object, S3Store } from './s3-store.ts';
import { s3Target } from './s3-target.ts';

/** An S3 REST request, already read: path-style `/<bucket>/<key>`. */
export interface S3Request {
  readonly method: string;
  /** The raw request target, `/bucket/some%20key?list-type=2`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The account the request acts in (from its access key); the local account when omitted. */
  readonly account?: string;
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
        return xmlResponse(requestId, listBucketsXml(store, request.account));
      case 'CreateBucket':
        store.createBucket(bucket!, request.account);
        return emptyResponse(requestId, 200, { location: `/${bucket}` });
      case 'HeadBucket':
        if (!store.hasBucket(bucket!)) return emptyResponse(requestId, 404);
        return emptyResponse(requestId, 200);
      case 'DeleteBucket':
        store.deleteBucket(bucket!, request.account);
        return emptyResponse(requestId, 204);
      case 'ListObjectsV2':
        return xmlResponse(requestId, listObjectsV2Xml(store, bucket!, query));
      case 'PutObject': {
        if (request.headers['x-amz-copy-source']) break;
        const body = isAwsChunked(request.headers) ? decodeAwsChunked(request.body) : request.body;
        const contentType = request.headers['content-type'];
        const object = store.putObject(bucket!, key!, body, {
          ...(contentType ? { contentType } : {}),
          metadata: userMetadata(request.headers),
        });
        return emptyResponse(requestId, 200, { etag: object.etag });
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
        return emptyResponse(requestId, 204);
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

function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
  }
  return metadata;
}

function objectHeaders(requestId: string, object: S3Object): Record<string, string> {
  const headers: Record<string, string> = {
    ...s3Headers(requestId),
    'content-type': object.contentType,
    'content-length': String(object.body.length),
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}
