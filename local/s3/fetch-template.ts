import { AwsServiceError } from '../cloud/service.ts';
import type { S3Store } from './s3-store.ts';

/** Reads a template from the local S3, given the TemplateURL a CloudFormation call named. */
export type FetchTemplate = (url: string) => Promise<string>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** `bucket.s3.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`, `bucket.s3-eu-west-1.amazonaws.com`. */
const VIRTUAL_HOST = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/;
/** `s3.amazonaws.com`, `s3.eu-west-1.amazonaws.com`, `s3-eu-west-1.amazonaws.com` (path style). */
const PATH_HOST = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/;

/**
 * Creates the `fetchTemplate` the emulated CloudFormation uses for `TemplateURL`: both the
 * local endpoint's path-style URLs (`http://127.0.0.1:N/bucket/key`) and S3 URLs
 * (`https://bucket.s3.amazonaws.com/key`, `https://s3.eu-west-1.amazonaws.com/bucket/key`)
 * resolve to objects in the local store; nothing is fetched from the network.
 *
 * @throws AwsServiceError `ValidationError` (as CloudFormation answers) for other URLs or missing objects.
 */
export function createFetchTemplate(store: S3Store): FetchTemplate {
  return async function fetchTemplate(url) {
    const { bucket, key } = locate(url);
    if (!store.hasBucket(bucket)) {
      throw new AwsServiceError('ValidationError', `S3 error: The specified bucket does not exist (${url}).`);
    }
    try {
      return store.getObject(bucket, key).body.toString('utf8');
    } catch {
      throw new AwsServiceError('ValidationError', `S3 error: The specified key does not exist (${url}).`);
    }
  };
}

function locate(url: string): { bucket: string; key: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsupported(url);
  }
  const path = parsed.pathname.split('/').map(decodeSegment);
  const host = parsed.hostname.toLowerCase();
  const virtual = VIRTUAL_HOST.exec(host);
  if (virtual?.[1] && !PATH_HOST.test(host)) {
    const key = path.slice(1).join('/');
    if (key) return { bucket: virtual[1], key };
  } else if (LOOPBACK_HOSTS.has(host) || PATH_HOST.test(host)) {
    const [, bucket, ...rest] = path;
    const key = rest.join('/');
    if (bucket && key) return { bucket, key };
  }
  throw unsupported(url);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function unsupported(url: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationError',
    `TemplateURL must be a supported URL: an S3 object URL (https://<bucket>.s3.amazonaws.com/<key>) or the local cloud's http://127.0.0.1:<port>/<bucket>/<key>; got ${url}.`,
  );
}
