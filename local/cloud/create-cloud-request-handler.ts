import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleS3Request } from '../s3/handle-s3-request.ts';
import { s3Error } from '../s3/s3-response.ts';
import type { S3Store } from '../s3/s3-store.ts';
import { s3Target } from '../s3/s3-target.ts';
import { accountOfAccessKey } from './account-keys.ts';
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

  /**
   * Counts the request, holds it while a `hold` rule says so, waits the injected latency, and
   * returns the injected fault, if any. `gone` resolves when the caller disconnects.
   */
  async function injectFault(
    service: string,
    operation: string,
    protocol: FaultProtocol,
    connection: Connection,
  ): Promise<AwsServiceError | undefined> {
    const decision = deps.faults.decide(service, operation);
    if (decision.hold && !(await deps.faults.park(service, operation, connection.gone))) {
      throw new RequestAbandoned();
    }
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.drop) connection.dropAnswer = true;
    return decision.fault ? faultError(decision.fault, protocol, operation) : undefined;
  }

  async function serveQuery(
    route: Extract<Route, { kind: 'query' }>,
    parameters: string,
    context: RequestContext,
    connection: Connection,
  ) {
    const { service } = route;
    try {
      const { action, input } = decodeQueryRequest(parameters, service.inputTypes);
      const fault = await injectFault(service.signingName, action, 'query', connection);
      if (fault) return encodeQueryError(fault, service.xmlNamespace, context.requestId);
      const output = await service.handle(action, input, context);
      return encodeQueryResponse(action, service.xmlNamespace, output, context.requestId, {
        withoutOutput: service.actionsWithoutOutput?.has(action) ?? false,
      });
    } catch (error) {
      if (error instanceof RequestAbandoned) return undefined;
      return encodeQueryError(asServiceError(error, deps.log), service.xmlNamespace, context.requestId);
    }
  }

  async function serveJson(
    route: Extract<Route, { kind: 'json' }>,
    body: Buffer,
    context: RequestContext,
    connection: Connection,
  ) {
    const { service, operation } = route;
    try {
      const fault = await injectFault(service.signingName, operation, 'json', connection);
      if (fault) return encodeJsonError(fault, service.jsonVersion, context.requestId);
      const input = decodeJsonRequest(body.toString('utf8'));
      const output = await service.handle(operation, input, context);
      return encodeJsonResponse(output, service.jsonVersion, context.requestId);
    } catch (error) {
      if (error instanceof RequestAbandoned) return undefined;
      return encodeJsonError(asServiceError(error, deps.log), service.jsonVersion, context.requestId);
    }
  }

  async function serveS3(
    incoming: IncomingMessage,
    context: RequestContext,
    connection: Connection,
  ): Promise<EncodedResponseLike | undefined> {
    const { requestId } = context;
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    const head = method === 'HEAD';
    try {
      const body = await readBody(incoming, limit);
      const fault = await injectFault('s3', s3Target(method, url).operation, 's3', connection);
      if (fault) return s3Error(fault, requestId, head);
      const account = accountOfAccessKey(context.accessKeyId);
      return handleS3Request(deps.s3, { method, url, headers: incoming.headers, body, account }, requestId);
    } catch (error) {
      if (error instanceof RequestAbandoned) return undefined;
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
    const decision = deps.faults.decide('dynamodb', route.operation);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    const fault = decision.fault ? faultError(decision.fault, 'dynamodb', route.operation) : undefined;
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
    const connection = watchConnection(outgoing);
    try {
      const route = routeRequest(deps.directory, incoming.headers, scope);
      let answer: EncodedResponseLike | undefined;
      switch (route.kind) {
        case 'query':
          answer = await serveQuery(route, await queryParameters(incoming, limit), context, connection);
          break;
        case 'json':
          answer = await serveJson(route, await readBody(incoming, limit), context, connection);
          break;
        case 's3':
          answer = await serveS3(incoming, context, connection);
          break;
        case 'dynamodb':
          answer = await serveDynamoDb(route, incoming, outgoing, requestId);
          break;
        case 'unknown':
          await readBody(incoming, limit).catch(() => undefined);
          answer = unknownService(route, requestId, deps.directory, deps.dynamodbEndpoint !== undefined);
          break;
      }
      // A dropped answer: the operation ran, and the caller never hears of it.
      if (answer && connection.dropAnswer) outgoing.destroy();
      else if (answer) send(outgoing, answer, incoming.method === 'HEAD');
    } catch (error) {
      const failure = asServiceError(error, deps.log);
      send(outgoing, encodeQueryError(failure, undefined, requestId));
    }
  };
}

/** The caller's connection, as fault injection sees it. */
interface Connection {
  /** Resolves when the caller disconnects before it got an answer. */
  readonly gone: Promise<void>;
  /** Set by a `drop` fault: destroy the connection instead of answering. */
  dropAnswer: boolean;
}

function watchConnection(outgoing: ServerResponse): Connection {
  const gone = new Promise<void>((resolve) => {
    outgoing.once('close', () => {
      if (!outgoing.writableEnded) resolve();
    });
  });
  return { gone, dropAnswer: false };
}

/** A held request whose caller went away: it is never run and never answered. */
class RequestAbandoned extends Error {
  constructor() {
    super('the caller disconnected while its request was held');
    this.name = 'RequestAbandoned';
  }
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
