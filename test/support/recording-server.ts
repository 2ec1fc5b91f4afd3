import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, still percent-encoded as sent. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, or the fields of a form body, or the raw text; `undefined` when empty. */
  readonly body: unknown;
  readonly rawBody: string;
}

/** What a route answers; a plain object or array body is sent as JSON. */
export interface Reply {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Answers one request; `params` are the named groups of the route's pattern. */
export type Responder = (
  request: RecordedRequest,
  params: Readonly<Record<string, string>>,
) => Reply | Promise<Reply>;

export interface RecordingServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /**
   * Adds a route that wins over earlier ones and the defaults. `path` is exact, or a pattern with
   * `:name` segments (`/repos/:owner/:repo/contents/:path*`, where `*` takes the rest of the path).
   */
  route(method: string, path: string, respond: Responder | Reply): void;
  /** Requests with this method whose path matches `path` (same pattern syntax as `route`). */
  requestsTo(method: string, path: string): RecordedRequest[];
  stop(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly respond: Responder;
}

/**
 * A small HTTP server on 127.0.0.1 (an OS-chosen free port) standing in for Slack's Web API and
 * GitHub's REST API in tests. It records every request and answers from a route table: routes a
 * test adds first, then defaults that behave like the real services for what Converge calls
 * (Slack `chat.*`; GitHub check runs, commit statuses and issue comments, kept in memory so that
 * listing finds what was created). Anything else is a 404.
 *
 * @example
 * const server = await startRecordingServer();
 * const slack = new SlackNotifier({ channel: 'C1', token: 'xoxb-test', slackApiUrl: `${server.url}/api/` });
 * ...
 * expect(server.requestsTo('POST', '/api/chat.update')).toHaveLength(1);
 * await server.stop();
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const routes: Route[] = [...defaultRoutes()];

  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const request = await record(incoming);
      requests.push(request);
      let reply: Reply = { status: 404, body: { message: 'Not Found' } };
      for (const route of routes) {
        if (route.method !== request.method) continue;
        const match = route.pattern.exec(request.path);
        if (!match) continue;
        reply = await route.respond(request, decodeParams(match.groups ?? {}));
        break;
      }
      const isJson = reply.body !== undefined && typeof reply.body !== 'string';
      outgoing.writeHead(reply.status ?? 200, {
        ...(isJson ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...reply.headers,
      });
      outgoing.end(isJson ? JSON.stringify(reply.body) : ((reply.body as string | undefined) ?? ''));
    })().catch((error: unknown) => {
      outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('recording server has no address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    route(method, path, respond) {
      routes.unshift({
        method,
        pattern: compile(path),
        respond: typeof respond === 'function' ? respond : () => respond,
      });
    },
    requestsTo(method, path) {
      const pattern = compile(path);
      return requests.filter((r) => r.method === method && pattern.test(r.path));
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function record(incoming: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body: parseBody(rawBody, headers['content-type'] ?? ''),
    rawBody,
  };
}

function parseBody(raw: string, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  if (contentType.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      const named = /^:([A-Za-z]\w*)(\*)?$/.exec(segment);
      if (!named) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return named[2] ? `(?<${named[1]}>.+)` : `(?<${named[1]}>[^/]+)`;
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(groups).map(([key, value]) => [key, decodeURIComponent(value)]));
}

/** Defaults that answer like Slack and GitHub, with just enough state to find what was created. */
function defaultRoutes(): Route[] {
  let nextId = 1000;
  let slackTs = 1_732_615_200;
  const checkRuns = new Map<number, Record<string, unknown>>();
  const comments = new Map<number, { issue: string; body: string; id: number; user: { login: string } }>();
  const route = (method: string, path: string, respond: Responder): Route => ({
    method,
    pattern: compile(path),
    respond,
  });
  const field = (request: RecordedRequest, name: string): unknown =>
    typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)[name]
      : undefined;
  const commentJson = (
    owner: string,
    repo: string,
    comment: { issue: string; body: string; id: number },
  ) => ({
    ...comment,
    html_url: `https://github.com/${owner}/${repo}/pull/${comment.issue.split('#')[1]}#issuecomment-${comment.id}`,
  });

  return [
    // Slack Web API.
    route('POST', '/api/chat.postMessage', (request) => ({
      body: { ok: true, channel: field(request, 'channel'), ts: `${slackTs++}.000100`, message: {} },
    })),
    route('POST', '/api/chat.update', (request) => ({
      body: {
        ok: true,
        channel: field(request, 'channel'),
        ts: field(request, 'ts'),
        text: field(request, 'text'),
      },
    })),
    route('POST', '/api/chat.postEphemeral', () => ({
      body: { ok: true, message_ts: `${slackTs++}.000200` },
    })),

    // GitHub check runs.
    route('POST', '/repos/:owner/:repo/check-runs', (request) => {
      const id = nextId++;
      const run = {
        ...(request.body as Record<string, unknown>),
        id,
        html_url: `https://github.com/checks/${id}`,
      };
      checkRuns.set(id, run);
      return { status: 201, body: run };
    }),
    route('PATCH', '/repos/:owner/:repo/check-runs/:id', (request, { id }) => {
      const run = checkRuns.get(Number(id));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      Object.assign(run, request.body);
      return { body: run };
    }),
    route('GET', '/repos/:owner/:repo/commits/:ref/check-runs', (request, { ref }) => {
      const runs = [...checkRuns.values()].filter(
        (run) => run.head_sha === ref && (!request.query.check_name || run.name === request.query.check_name),
      );
      return { body: { total_count: runs.length, check_runs: runs.reverse() } };
    }),

    // GitHub commit statuses.
    route('POST', '/repos/:owner/:repo/statuses/:sha', (request) => ({
      status: 201,
      body: { id: nextId++, ...(request.body as Record<string, unknown>) },
    })),

    // GitHub issue (and pull request) comments.
    route('GET', '/repos/:owner/:repo/issues/:number/comments', (_request, { owner, repo, number }) => ({
      body: [...comments.values()]
        .filter((c) => c.issue === `${owner}/${repo}#${number}`)
        .map((c) => commentJson(owner!, repo!, c)),
    })),
    route('POST', '/repos/:owner/:repo/issues/:number/comments', (request, { owner, repo, number }) => {
      const comment = {
        id: nextId++,
        issue: `${owner}/${repo}#${number}`,
        body: String(field(request, 'body')),
        user: { login: 'converge[bot]' },
      };
      comments.set(comment.id, comment);
      return { status: 201, body: commentJson(owner!, repo!, comment) };
    }),
    route('PATCH', '/repos/:owner/:repo/issues/comments/:id', (request, { owner, repo, id }) => {
      const comment = comments.get(Number(id));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      comment.body = String(field(request, 'body'));
      return { body: commentJson(owner!, repo!, comment) };
    }),
    route('DELETE', '/repos/:owner/:repo/issues/comments/:id', (_request, { id }) => {
      if (!comments.delete(Number(id))) return { status: 404, body: { message: 'Not Found' } };
      return { status: 204 };
    }),
  ];
}
