import { element } from '../cloud/encode-xml-value.ts';
import type { AwsServiceError } from '../cloud/service.ts';

/** An S3 REST answer. */
export interface S3Response {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

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
    headers: { ...s3Headers(requestId), 'content-type': 'application/xml' },
    body: head ? '' : body,
  };
}

/** A 200 answer with an XML document. */
export function xmlResponse(requestId: string, body: string): S3Response {
  return {
    statusCode: 200,
    headers: { ...s3Headers(requestId), 'content-type': 'application/xml' },
    body: `${XML_DECLARATION}${body}`,
  };
}

/** An answer without a body. */
export function emptyResponse(
  requestId: string,
  statusCode: number,
  headers: Record<string, string> = {},
): S3Response {
  return { statusCode, headers: { ...s3Headers(requestId), ...headers }, body: '' };
}

/** The request id headers every S3 answer carries. */
export function s3Headers(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
}
