import type { IncomingHttpHeaders } from 'node:http';
import type { CredentialScope } from './credential-scope.ts';
import type { JsonProtocolService, QueryProtocolService } from './service.ts';

/** Where one request goes; decided from headers only, before the body is read. */
export type Route =
  | { readonly kind: 'query'; readonly service: QueryProtocolService }
  | { readonly kind: 'json'; readonly service: JsonProtocolService; readonly operation: string }
  | { readonly kind: 'dynamodb'; readonly operation: string }
  | { readonly kind: 's3' }
  | { readonly kind: 'unknown'; readonly service: string; readonly json: boolean };

/** The services a local cloud serves, keyed the way requests name them. */
export interface ServiceDirectory {
  readonly queryBySigningName: ReadonlyMap<string, QueryProtocolService>;
  readonly jsonByTargetPrefix: ReadonlyMap<string, JsonProtocolService>;
}

/** `X-Amz-Target` prefixes that DynamoDB Local answers (tables and streams). */
const DYNAMODB_TARGETS = ['DynamoDB_20120810', 'DynamoDBStreams_20120810'];

/**
 * Routes a request the way AWS endpoints do: JSON protocols by their `X-Amz-Target`
 * prefix, Query protocol services by the SigV4 signing name, S3 by signing name `s3`.
 * Unsigned requests without a target go to S3 (anonymous reads of objects).
 */
export function routeRequest(
  directory: ServiceDirectory,
  headers: IncomingHttpHeaders,
  scope: CredentialScope | undefined,
): Route {
  const target = headerValue(headers['x-amz-target']);
  if (target) {
    const dot = target.lastIndexOf('.');
    const prefix = dot > 0 ? target.slice(0, dot) : target;
    const operation = dot > 0 ? target.slice(dot + 1) : '';
    if (DYNAMODB_TARGETS.includes(prefix)) return { kind: 'dynamodb', operation };
    const json = directory.jsonByTargetPrefix.get(prefix);
    if (json) return { kind: 'json', service: json, operation };
    return { kind: 'unknown', service: scope?.service ?? prefix, json: true };
  }
  if (!scope || scope.service === 's3') return { kind: 's3' };
  const query = directory.queryBySigningName.get(scope.service);
  if (query) return { kind: 'query', service: query };
  return { kind: 'unknown', service: scope.service, json: isJsonContent(headers) };
}

function isJsonContent(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').includes('json');
}

/** The first value of a header that may repeat. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
