import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';

/** Connection-level headers that belong to one hop and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * Reverse-proxies one request to `origin` (e.g. DynamoDB Local), streaming the body both
 * ways and keeping the method, path, headers and status. `onUnreachable` answers when the
 * origin cannot be reached before any byte of the answer was sent.
 */
export function forwardRequest(
  origin: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  onUnreachable: (error: Error) => void,
): void {
  const upstream = request(
    new URL(incoming.url ?? '/', origin),
    { method: incoming.method ?? 'GET', headers: endToEnd(incoming.headers) },
    function relayAnswer(answer) {
      outgoing.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(outgoing);
      answer.on('error', () => outgoing.destroy());
    },
  );
  upstream.on('error', (error) => {
    if (outgoing.headersSent) outgoing.destroy();
    else onUnreachable(error);
  });
  incoming.on('error', () => upstream.destroy());
  incoming.pipe(upstream);
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}
