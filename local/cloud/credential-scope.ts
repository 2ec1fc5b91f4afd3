import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a SigV4 credential scope (`AKID/20260101/us-east-1/s3/aws4_request`). */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  /** The signing name, e.g. `cloudformation`, `cloudcontrolapi`, `dynamodb`, `s3`. */
  readonly service: string;
}

const HEADER_CREDENTIAL = /Credential=([^,\s]+)/;

/**
 * Reads the SigV4 credential scope of a request, from the `Authorization` header or, for
 * presigned URLs, the `X-Amz-Credential` query parameter. The signature itself is not
 * checked: the local cloud accepts any credentials. Returns undefined for unsigned requests.
 *
 * @example
 * parseCredentialScope({ authorization: 'AWS4-HMAC-SHA256 Credential=AK/20260101/eu-west-1/s3/aws4_request, ...' }, '/b/k')
 * // → { accessKeyId: 'AK', date: '20260101', region: 'eu-west-1', service: 's3' }
 */
export function parseCredentialScope(headers: IncomingHttpHeaders, url: string): CredentialScope | undefined {
  const authorization = headers.authorization;
  const fromHeader = authorization ? HEADER_CREDENTIAL.exec(authorization)?.[1] : undefined;
  const credential = fromHeader ?? presignedCredential(url);
  if (!credential) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
}

function presignedCredential(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('X-Amz-Credential') ?? undefined;
}
