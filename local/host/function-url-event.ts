import { randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** An HTTP request as the host read it off the socket. */
export interface HostRequest {
  readonly method: string;
  /** Path and query string as sent (`/webhooks/github?x=1`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** Content types Lambda passes as text; any other body arrives base64-encoded. */
const TEXT_CONTENT = /^(text\/|application\/(json|x-www-form-urlencoded|xml|[\w.+-]+\+json|[\w.+-]+\+xml))/i;

const ACCOUNT_ID = '000000000000';

/**
 * The event a Lambda Function URL passes to its function for `request` (payload format 2.0, the
 * shape of API Gateway HTTP APIs): header names in lower case with repeated values joined by
 * commas, `routeKey`/`stage` at their Function URL sentinels, and the body as text for text
 * content types, base64 otherwise.
 *
 * @example
 * const event = functionUrlEvent(request, { urlId: 'webhook' });
 * const result = await webhook.handler(event, context);
 */
export function functionUrlEvent(
  request: HostRequest,
  options: { readonly urlId: string; readonly region: string; readonly now?: Date },
): LambdaFunctionURLEvent {
  const now = options.now ?? new Date();
  const [rawPath = '/', rawQueryString = ''] = splitOnce(request.url, '?');
  const headers = lowerCaseHeaders(request.headers);
  const domainName = `${options.urlId}.lambda-url.${options.region}.on.aws`;
  const queryStringParameters = queryParameters(rawQueryString);
  const text = TEXT_CONTENT.test(headers['content-type'] ?? '');
  const hasBody = request.body.length > 0;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: options.urlId,
      domainName,
      domainPrefix: options.urlId,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/** The account id the host stands in for in ARNs it makes up. */
export const HOST_ACCOUNT_ID = ACCOUNT_ID;

function lowerCaseHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(',');
  }
  return out;
}

function queryParameters(query: string): Record<string, string> | undefined {
  if (query === '') return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query))
    out[key] = key in out ? `${out[key]},${value}` : value;
  return out;
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the request time format of Function URL events. */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
