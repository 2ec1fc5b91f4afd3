import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { readBody } from '../cloud/read-body.ts';
import { AwsServiceError } from '../cloud/service.ts';
import { functionUrlEvent, type HostRequest } from './function-url-event.ts';

/** Lambda refuses Function URL requests over 6 MB with 413. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** A Function URL handler as the host calls it. */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult>;

/** A plain answer from one of the host's own routes. */
export interface PlainAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What the host server serves. */
export interface HostRoutes {
  readonly region: string;
  /** Function URLs by path: `/webhooks/github` → the webhook function. */
  readonly functionUrls: Readonly<
    Record<string, { readonly urlId: string; readonly handler: FunctionUrlHandler }>
  >;
  /** The host's own routes (health, SQS, console APIs, events); `undefined` means not found. */
  readonly local: (request: HostRequest) => Promise<PlainAnswer | undefined>;
  readonly log: (message: string) => void;
}

/**
 * The host's HTTP server on 127.0.0.1: Function URL paths become Lambda Function URL events for
 * their function and the result becomes the HTTP answer, as Lambda does (a thrown error is a
 * 502); every other request goes to the host's own routes.
 */
export function createHostServer(routes: HostRoutes): Server {
  return createServer((incoming, outgoing) => {
    void answer(routes, incoming, outgoing).catch((error: unknown) => {
      routes.log(`host: ${(error as Error).message}`);
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: 'internal', message: 'The local host failed; see its log.' }));
    });
  });
}

async function answer(routes: HostRoutes, incoming: IncomingMessage, outgoing: ServerResponse) {
  let body: Buffer;
  try {
    body = await readBody(incoming, MAX_REQUEST_BYTES);
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return send(outgoing, { status: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
  }
  const request: HostRequest = {
    method: incoming.method ?? 'GET',
    url: incoming.url ?? '/',
    headers: incoming.headers,
    body,
    sourceIp: incoming.socket.remoteAddress ?? '127.0.0.1',
  };
  const path = request.url.split('?')[0] ?? '/';
  const target = routes.functionUrls[path];
  if (target) {
    const event = functionUrlEvent(request, { urlId: target.urlId, region: routes.region });
    try {
      return send(outgoing, toAnswer(await target.handler(event)));
    } catch (error) {
      routes.log(`${target.urlId}: invocation failed: ${(error as Error).message}`);
      return send(outgoing, { status: 502, body: JSON.stringify({ message: 'Internal Server Error' }) });
    }
  }
  const local = await routes.local(request);
  return send(
    outgoing,
    local ?? { status: 404, body: JSON.stringify({ message: `Nothing is served at ${path}` }) },
  );
}

/** A Function URL result as Lambda turns it into an HTTP answer. */
function toAnswer(result: LambdaFunctionURLResult): PlainAnswer {
  if (typeof result === 'string')
    return { status: 200, headers: { 'content-type': 'application/json' }, body: result };
  const body = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: result.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
  };
}

function send(outgoing: ServerResponse, answer: PlainAnswer): void {
  outgoing.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  outgoing.end(answer.body);
}
