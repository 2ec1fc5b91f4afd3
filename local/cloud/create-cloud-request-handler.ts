import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleS3Request } from '../s3/handle-s3-request.ts';
import { s3Error } from '../s3/s3-response.ts';
import type { S3Store } from '../s3/s3-store.ts';
import { s3Target } from '../s3/s3-target.ts';
import { parseCredentialScope } from './credential-scope.ts';
import { decodeQueryRequest } from './decode-query-request.ts';
import { type EncodedResponse, encodeQueryError, encodeQueryResponse } from './encode-query-response.ts';
import { type FaultProtocol, faultError } from './fault-error.ts';
import type { FaultInjector } from './fault-injector.ts';
import { forwardRequest } from './forward-request.ts';
import { decodeJsonRequest, encodeJsonError, encodeJsonResponse } from './json-protocol.ts';
import { readBody } from './read-body.ts';
import { type Route, routeRequest, type ServiceDirectory } from './route-request.ts';
import { AwsServiceError, type RequestContext } from './service.ts';

/** What the request handler serves and how. */
export interface CloudRequestHandlerDeps {
  readonly directory: ServiceDirectory;
  readonly s3: S3Store;
  /** DynamoDB Local's endpoint; DynamoDB requests are refused when it is not running. */
  readonly dynamodbEndpoint: string | undefined;
  readonly faults: FaultInjector;
  readonly log: (message: string) => void;
  /** Largest body read into memory (Query, JSON, S3 objects); defaults to 64 MiB. */
  readonly maxBodyBytes?: number;
}

const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
const DEFAULT_REGION = 'us-east-1';

/**
 * Creates the local cloud's one HTTP handler: it routes each request to its service (see
 * `routeRequest`), decodes it for that service's protocol, applies the configured faults,
 * calls the service and encodes the answer. Any credentials are accepted.
 */
export function createCloudRequestHandler(deps: CloudRequestHandlerDeps) {
  const limit = deps.maxBodyBytes ?? 64 * 1024 * 1024;

  /** Counts the request, waits the injected latency, and returns the injected fault, if any. */
  async function injectFault(service: string, operation: string, protocol: FaultProtocol) {
    const decision = deps.faults.decide(service, operation);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    return decision.fault ? faultError(decision.fault, protocol, operation) : undefined;
  }

  async function serveQuery(
    route: Extract<Route, { kind: 'query' }>,
    parameters: string,
    context: RequestContext,
  ) {
    const { service } = route;
    try {
      const { action, input } = decodeQueryRequest(parameters, service.inputTypes);
      const fault = await injectFault(service.signingName, action, 'query');
      if (fault) return encodeQueryError(fault, service.xmlNamespace, context.requestId);
      const output = await service.handle(action, input, context);
      return encodeQueryResponse(action, service.xmlNamespace, output, context.requestId, {
        withoutOutput: service.actionsWithoutOutput?.has(action) ?? false,
      });
    } catch (error) {
      return encodeQueryError(asServiceError(error, deps.log), service.xmlNamespace, context.requestId);
    }
  }

  async function serveJson(route: Extract<Route, { kind: 'json' }>, body: Buffer, context: RequestContext) {
    const { service, operation } = route;
    try {
      const fault = await injectFault(service.signingName, operation, 'json');
      if (fault) return encodeJsonError(fault, service.jsonVersion, context.requestId);
      const input = decodeJsonRequest(body.toString('utf8'));
      const output = await service.handle(operation, input, context);
      return encodeJsonResponse(output, service.jsonVersion, context.requestId);
    } catch (error) {
      return encodeJsonError(asServiceError(error, deps.log), service.jsonVersion, context.requestId);
    }
  }

  async function serveS3(incoming: IncomingMessage, requestId: string): Promise<EncodedResponseLike> {
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    const head = method === 'HEAD';
    try {
      const body = await readBody(incoming, limit);
      const fault = await injectFault('s3', s3Target(method, url).operation, 's3');
      if (fault) return s3Error(fault, requestId, head);
      return handleS3Request(deps.s3, { method, url, headers: incoming.headers, body }, requestId);
    } catch (error) {
      return s3Error(asServiceError(error, deps.log), requestId, head);
    }
  }

  async function serveDynamoDb(
    route: Extract<Route, { kind: 'dynamodb' }>,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    requestId: string,
  ): Promise<EncodedResponseLike | undefined> {
    const endpoint = deps.dynamodbEndpoint;
    if (!endpoint) {
      await readBody(incoming, limit).catch(() => undefined);
      const refused = new AwsServiceError(
        'UnknownService',
        'DynamoDB is not running in this local cloud: start it with dynamodb enabled (the default).',
      );
      return encodeJsonError(refused, '1.0', requestId, DYNAMODB_ERROR_PREFIX);
    }
    const fault = await injectFault('dynamodb', route.operation, 'dynamodb');
    if (fault) {
      await readBody(incoming, limit).catch(() => undefined);
      return encodeJsonError(fault, '1.0', requestId, DYNAMODB_ERROR_PREFIX);
    }
    forwardRequest(endpoint, incoming, outgoing, (error) => {
      deps.log(`local cloud: DynamoDB Local did not answer: ${error.message}`);
      const failure = new AwsServiceError('InternalServerError', 'DynamoDB Local did not answer.', {
        statusCode: 500,
      });
      send(outgoing, encodeJsonError(failure, '1.0', requestId, DYNAMODB_ERROR_PREFIX));
    });
    return undefined;
  }

  return async function handleCloudRequest(incoming: IncomingMessage, outgoing: ServerResponse) {
    const requestId = randomUUID();
    const scope = parseCredentialScope(incoming.headers, incoming.url ?? '/');
    const context: RequestContext = {
      requestId,
      region: scope?.region ?? DEFAULT_REGION,
      accessKeyId: scope?.accessKeyId ?? 'anonymous',
    };
    try {
      const route = routeRequest(deps.directory, incoming.headers, scope);
      let answer: EncodedResponseLike | undefined;
      switch (route.kind) {
        case 'query':
          answer = await serveQuery(route, await queryParameters(incoming, limit), context);
          break;
        case 'json':
          answer = await serveJson(route, await readBody(incoming, limit), context);
          break;
        case 's3':
          answer = await serveS3(incoming, requestId);
          break;
        case 'dynamodb':
          answer = await serveDynamoDb(route, incoming, outgoing, requestId);
          break;
        case 'unknown':
          await readBody(incoming, limit).catch(() => undefined);
          answer = unknownService(route, requestId, deps.directory, deps.dynamodbEndpoint !== undefined);
          break;
      }
      if (answer) send(outgoing, answer, incoming.method === 'HEAD');
    } catch (error) {
      const failure = asServiceError(error, deps.log);
      send(outgoing, encodeQueryError(failure, undefined, requestId));
    }
  };
}

/** Query parameters come in a form-encoded `POST` body, or in the URL of a `GET`. */
async function queryParameters(incoming: IncomingMessage, limit: number): Promise<string> {
  const body = (await readBody(incoming, limit)).toString('utf8');
  if (body !== '' || incoming.method !== 'GET') return body;
  const url = incoming.url ?? '/';
  return url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
}

/** What the handler writes back; S3 bodies may be bytes. */
type EncodedResponseLike = Omit<EncodedResponse, 'body'> & { readonly body: string | Buffer };

function unknownService(
  route: Extract<Route, { kind: 'unknown' }>,
  requestId: string,
  directory: ServiceDirectory,
  dynamodb: boolean,
) {
  const served = new Set([
    ...directory.queryBySigningName.keys(),
    ...[...directory.jsonByTargetPrefix.values()].map((service) => service.signingName),
    ...(dynamodb ? ['dynamodb'] : []),
    's3',
  ]);
  const error = new AwsServiceError(
    'UnknownService',
    `The local cloud does not emulate the service '${route.service}'. It serves: ${[...served].join(', ')}.`,
  );
  return route.json
    ? encodeJsonError(error, '1.0', requestId)
    : encodeQueryError(error, undefined, requestId);
}

function asServiceError(error: unknown, log: (message: string) => void): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  log(
    `local cloud: a request failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return new AwsServiceError(
    'InternalFailure',
    'The request processing has failed because of an unknown error.',
    {
      statusCode: 500,
    },
  );
}

function send(outgoing: ServerResponse, answer: EncodedResponseLike, head = false): void {
  if (outgoing.headersSent || outgoing.destroyed) return;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
  const headers: Record<string, string> = { ...answer.headers };
  if (!('content-length' in headers)) headers['content-length'] = String(body.length);
  outgoing.writeHead(answer.statusCode, headers);
  outgoing.end(head ? undefined : body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
