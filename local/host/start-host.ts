import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createTable } from '../../shared/adapters/aws/create-table.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import { runFunctionsOn } from '../../shared/runtime/runtime-clock.ts';
import { CONVERGE_ON_GIT_TASK } from '../../shared/use-cases/git-poll/converge-on-git.ts';
import type { CloudEvent } from '../cloud/service.ts';
import type { EmulatorDelays } from '../cloudformation/emulator-state.ts';
import { listenLoopback } from '../net/listen-loopback.ts';
import { type LocalCloud, startLocalCloud } from '../start-local-cloud.ts';
import type { LocalRole } from '../sts/local-roles.ts';
import { consoleApis } from './console-apis.ts';
import { deliverQueue, type LambdaHandler, type QueueDelivery } from './deliver-queue.ts';
import { FifoQueue } from './fifo-queue.ts';
import { HOST_ACCOUNT_ID, type HostRequest } from './function-url-event.ts';
import { type HostSecrets, hostEnvironment } from './host-environment.ts';
import { createHostServer, type FunctionUrlHandler, type PlainAnswer } from './host-server.ts';
import { lambdaContext } from './lambda-context.ts';
import { localPolicyText, writeLocalPolicy } from './local-policy.ts';
import { policyRoles } from './policy-roles.ts';
import { signedSlackClick } from './signed-slack-click.ts';
import { SQS_TARGET_PREFIX, sqsEndpoint } from './sqs-endpoint.ts';

export interface HostOptions {
  /** Port on 127.0.0.1 for the Function URLs; 0 picks a free one. */
  readonly port: number;
  readonly region?: string;
  /** Repository name (`owner/name`) → local path or git URL the git source reads. */
  readonly repositories: Readonly<Record<string, string>>;
  /** Use this endpoint instead of starting a local cloud (its events arrive on `POST /events`). */
  readonly cloudEndpoint?: string;
  /** Port on 127.0.0.1 for the local cloud the host starts; a free one when omitted. */
  readonly cloudPort?: number;
  /**
   * The secret a local cloud started apart must carry to post events to `POST /events` (as
   * `?token=` or the `x-converge-events-token` header), so a web page open in the user's browser
   * cannot forge CloudFormation events; a random one per run when omitted.
   */
  readonly eventsToken?: string;
  /** Emulator delays of the local cloud the host starts. */
  readonly delays?: Partial<EmulatorDelays>;
  readonly secrets: HostSecrets;
  /**
   * The control-plane policy file. Without one, the host writes a policy serving `repositories`
   * (branch main, any stack) with {@link HostOptions.localApprovers} as approvers.
   */
  readonly policyFile?: string;
  /**
   * The roles the local cloud lets Converge assume in its emulated accounts. By default, the role
   * and external id of every account the policy lists, so each target account just works.
   */
  readonly roles?: readonly LocalRole[];
  /** Approvers of the generated policy; the host's own Slack click identity (`slack:U0LOCAL`) by default. */
  readonly localApprovers?: readonly string[];
  /** Slack Web API base URL (ending in `/`); the console stand-in when omitted. */
  readonly slackApiUrl?: string;
  /** The Slack channel approval requests go to. */
  readonly slackChannel?: string;
  /** GitHub REST API base URL; the console stand-in when omitted. */
  readonly githubApiUrl?: string;
  readonly visibilityTimeoutMs?: number;
  readonly maxReceiveCount?: number;
  /**
   * Messages per queue invocation (SQS event source mapping batch size, 10 by default). The host
   * does not stop an invocation at its function timeout as Lambda does, so a batch that outlives
   * the visibility timeout would see its messages received again while it still runs: a host under
   * load takes smaller batches.
   */
  readonly batchSize?: number;
  /**
   * Invocations per queue at once (4 by default). Lambda runs one per active message group of a
   * FIFO queue; a host serving many stacks at once raises it.
   */
  readonly queueConcurrency?: number;
  /** How often the reconcile (and drift sweep) schedules fire; 0 turns them off. */
  readonly scheduleEveryMs?: number;
  /**
   * How often the Git poll fires (the reconcile function's `converge-on-git` task: stacks whose
   * branch head moved without a webhook are planned); 0 or absent turns it off.
   */
  readonly pollEveryMs?: number;
  readonly logLevel?: string;
  /** Extra lines under each approval request (e.g. the `converge approve` command). */
  readonly approveHint?: (deploymentId: string) => readonly string[];
  /** Where the host prints what a person should see (approval requests, previews). */
  readonly print?: (text: string) => void;
  /** Where problems go; stderr by default. */
  readonly log?: (message: string) => void;
  /**
   * The clock the functions run on (a `SettableClock`, so tests cross deploy windows); the
   * system's by default. The functions run in this process, so it is set for all of them.
   */
  readonly clock?: Clock;
}

/** A running host. */
export interface Host {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Where a local cloud started apart posts its events: `POST /events` with this run's token. */
  readonly eventTarget: string;
  /** The endpoint the functions use for CloudFormation, Cloud Control, S3 and DynamoDB. */
  readonly cloudEndpoint: string;
  /** The local cloud, when the host started it. */
  readonly cloud: LocalCloud | undefined;
  readonly tableName: string;
  /** The environment the functions run with, for the CLI (`converge approve`) to use the same. */
  readonly environment: Readonly<Record<string, string>>;
  readonly queues: { readonly plan: FifoQueue; readonly execute: FifoQueue };
  /** True when no queue holds a message and no invocation runs. */
  idle(): boolean;
  /** Fires a schedule now (`reconcile`, `git-poll`, or `drift-sweep` when that function exists). */
  runSchedule(name: 'reconcile' | 'drift-sweep' | 'git-poll'): Promise<unknown>;
  /** Stops everything the host started, the local cloud last. */
  stop(): Promise<void>;
}

const TABLE_NAME = 'converge';
const BUCKET = 'converge-artifacts-local';
const SLACK_CHANNEL = 'C0LOCAL';
/** The Slack user the host's `/local/approve` shortcut clicks as. */
const LOCAL_CLICK_USER = 'U0LOCAL';
const SCHEDULE_SOURCE = 'converge.scheduler';
/** The Function URL paths, answered 503 until their functions are loaded. */
const FUNCTION_PATHS: ReadonlySet<string> = new Set(['/webhooks/github', '/slack/actions']);
const QUEUE_NAMES = { plan: 'converge-plan.fifo', execute: 'converge-execute.fifo' } as const;
/** Async invocations (EventBridge, Scheduler) are retried twice by Lambda. */
const ASYNC_ATTEMPTS = 3;

type EventHandler = LambdaHandler<EventBridgeEvent<string, unknown>, unknown>;

/**
 * Runs Converge's Lambda functions on this machine, unchanged: sets the environment the CDK app
 * would set, creates the table, bucket and queues, then serves the Function URLs over HTTP,
 * delivers the FIFO queues as SQS events, CloudFormation events as EventBridge events, and the
 * schedules as scheduled events, each to the same handler module Lambda runs.
 *
 * @example
 * const host = await startHost({ port: 3000, repositories: { 'acme/infra': '/src/infra' }, secrets });
 * // POST a signed push to `${host.url}/webhooks/github`
 * await host.stop();
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? ((message: string) => console.error(message));
  const print = options.print ?? ((text: string) => console.log(text));
  const started: { cloud?: LocalCloud; server?: Server; policy?: { remove(): Promise<void> } } = {};
  try {
    return await start();
  } catch (error) {
    started.server?.close();
    started.server?.closeAllConnections();
    await started.cloud?.stop();
    await started.policy?.remove();
    throw error;
  }

  async function start(): Promise<Host> {
    // The local cloud, unless an endpoint was given.
    const cloud = options.cloudEndpoint
      ? undefined
      : await startLocalCloud({
          dynamodb: true,
          ...(options.cloudPort !== undefined ? { port: options.cloudPort } : {}),
          ...(options.delays ? { delays: options.delays } : {}),
          log,
        });
    started.cloud = cloud;
    const cloudEndpoint = options.cloudEndpoint ?? cloud!.endpoint;

    // The queues the stateful stack would create.
    const queueOptions = {
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
      maxReceiveCount: options.maxReceiveCount ?? 5,
    };
    const queues = {
      plan: new FifoQueue({ name: QUEUE_NAMES.plan, ...queueOptions }),
      execute: new FifoQueue({ name: QUEUE_NAMES.execute, ...queueOptions }),
    };
    const queueMap = new Map([queues.plan, queues.execute].map((queue) => [queue.name, queue] as const));

    // The HTTP server first, so the environment can name its URL.
    let url = '';
    const functionUrls: Record<string, { urlId: string; handler: FunctionUrlHandler }> = {};
    const answerSqs = sqsEndpoint({ queues: queueMap, baseUrl: () => url, accountId: HOST_ACCOUNT_ID });
    let dispatchEvent: (event: CloudEvent) => Promise<void> = async () => undefined;
    const consoles = consoleApis({
      print,
      approveHint: (approval) => [
        `approve: curl -X POST ${url}/local/approve/${approval.deploymentId}`,
        `reject:  curl -X POST ${url}/local/reject/${approval.deploymentId}`,
        ...(options.approveHint?.(approval.deploymentId) ?? []),
      ],
    });
    const eventsToken = options.eventsToken ?? randomUUID();
    const carriesEventsToken = (request: HostRequest): boolean => {
      const given =
        header(request, 'x-converge-events-token') ??
        new URL(request.url, 'http://127.0.0.1').searchParams.get('token') ??
        '';
      const expected = Buffer.from(eventsToken);
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    };

    // Until the functions are loaded, the host answers 503 with Retry-After (and /health says
    // "starting"), so a webhook sent during start-up is retried by its sender, never lost.
    let ready = false;
    const server = createHostServer({
      region,
      functionUrls,
      log,
      local: (request) => localRoute(request),
    });
    started.server = server;
    url = `http://127.0.0.1:${await listenLoopback(server, options.port)}`;

    // The control-plane policy: the given file, or one generated for the local repositories.
    let policyFile = options.policyFile;
    if (!policyFile) {
      const generated = await writeLocalPolicy(
        localPolicyText({
          repositories: Object.keys(options.repositories),
          approvers: options.localApprovers ?? [`slack:${LOCAL_CLICK_USER}`],
        }),
      );
      started.policy = generated;
      policyFile = generated.file;
    }
    // The target accounts' roles, as the CDK target-account stack creates them in AWS.
    for (const role of options.roles ?? policyRoles(policyFile)) cloud?.roles.add(role);

    // The functions' environment, then the functions themselves (they read it on first use).
    const environment = hostEnvironment({
      policyFile,
      region,
      cloudEndpoint,
      hostUrl: url,
      tableName: TABLE_NAME,
      bucket: BUCKET,
      queueUrls: {
        plan: `${url}/${HOST_ACCOUNT_ID}/${QUEUE_NAMES.plan}`,
        execute: `${url}/${HOST_ACCOUNT_ID}/${QUEUE_NAMES.execute}`,
      },
      repositories: options.repositories,
      slackApiUrl: options.slackApiUrl ?? `${url}/local/slack/api/`,
      slackChannel: options.slackChannel ?? SLACK_CHANNEL,
      githubApiUrl: options.githubApiUrl ?? `${url}/local/github`,
      secrets: options.secrets,
      logLevel: options.logLevel ?? 'WARN',
    });
    Object.assign(process.env, environment);
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    // The table and bucket the stateful stack would create.
    await createTable(new DynamoDBClient({ region, endpoint: cloudEndpoint }), TABLE_NAME).catch(
      ignoreExisting,
    );
    await new S3Client({ region, endpoint: cloudEndpoint, forcePathStyle: true })
      .send(new CreateBucketCommand({ Bucket: BUCKET }))
      .catch(ignoreExisting);

    runFunctionsOn(options.clock);
    const functions = await loadFunctions();
    const webhook = invokeWith('webhook', functions.webhook, 30_000);
    functionUrls['/webhooks/github'] = {
      urlId: 'webhook',
      // GitHub shows a delivery's answer to nobody: say here why a delivery changed nothing.
      handler: async (event) => {
        const answer = await webhook(event);
        const said = ignoredReason(answer);
        if (said) print(`  [webhook] ${said}`);
        return answer;
      },
    };
    functionUrls['/slack/actions'] = {
      urlId: 'approve',
      handler: invokeWith('approve', functions.approve, 30_000),
    };

    // Queue event source mappings.
    const deliveries: QueueDelivery[] = (['plan', 'execute'] as const).map((name) =>
      deliverQueue({
        queue: queues[name],
        queueArn: `arn:aws:sqs:${region}:${HOST_ACCOUNT_ID}:${queues[name].name}`,
        region,
        handler: functions[name],
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.queueConcurrency ? { concurrency: options.queueConcurrency } : {}),
        context: () => lambdaContext(name, { region, timeoutMs: 900_000 }),
        log,
      }),
    );

    // CloudFormation events (EventBridge rules) and schedules (EventBridge Scheduler).
    const running = new Set<Promise<unknown>>();
    const invokeAsync = (name: string, handler: EventHandler, event: EventBridgeEvent<string, unknown>) => {
      const attempt = (async () => {
        for (let tries = 1; ; tries++) {
          try {
            return await handler(event, lambdaContext(name, { region, timeoutMs: 900_000 }));
          } catch (error) {
            if (tries >= ASYNC_ATTEMPTS) {
              log(`${name}: event ${event.id} failed ${tries} times: ${(error as Error).message}`);
              return undefined;
            }
            await delay(100 * tries);
          }
        }
      })();
      running.add(attempt);
      void attempt.finally(() => running.delete(attempt));
      return attempt;
    };
    dispatchEvent = async (cloudEvent) => {
      if (cloudEvent.source !== 'aws.cloudformation') return;
      // EventBridge hands the function its own copy of the event.
      const event = { ...cloudEvent, resources: [...cloudEvent.resources] };
      if (event['detail-type'] === 'CloudFormation Stack Status Change') {
        await invokeAsync('stack-events', functions['stack-events'], event);
      } else if (
        event['detail-type'] === 'CloudFormation Drift Detection Status Change' &&
        functions['drift-sweep']
      ) {
        await invokeAsync('drift-sweep', functions['drift-sweep'], event);
      }
    };
    const unsubscribe = cloud?.events.subscribe((event) => void dispatchEvent(event));
    const scheduled = (name: 'reconcile' | 'drift-sweep') => {
      const handler = functions[name];
      if (!handler) return Promise.resolve(undefined);
      return invokeAsync(name, handler, scheduledEvent(region, name));
    };
    const every = options.scheduleEveryMs ?? 60_000;
    const timers =
      every > 0
        ? [
            setInterval(() => void scheduled('reconcile'), every),
            setInterval(() => void scheduled('drift-sweep'), every),
          ]
        : [];
    // The Git poll: the reconcile function with the task its second schedule passes in AWS.
    const poll = () =>
      invokeAsync(
        'reconcile',
        functions.reconcile,
        scheduledEvent(region, 'git-poll', { task: CONVERGE_ON_GIT_TASK }),
      );
    if (options.pollEveryMs && options.pollEveryMs > 0)
      timers.push(setInterval(() => void poll(), options.pollEveryMs));
    for (const timer of timers) timer.unref();

    let stopping: Promise<void> | undefined;
    ready = true;
    return {
      url,
      eventTarget: `${url}/events?token=${encodeURIComponent(eventsToken)}`,
      cloudEndpoint,
      cloud,
      tableName: TABLE_NAME,
      environment,
      queues,
      idle: () => running.size === 0 && deliveries.every((delivery) => delivery.idle()),
      runSchedule: (name) => (name === 'git-poll' ? poll() : scheduled(name)),
      stop() {
        stopping ??= (async () => {
          for (const timer of timers) clearInterval(timer);
          unsubscribe?.();
          await Promise.allSettled(deliveries.map((delivery) => delivery.stop()));
          await Promise.allSettled([...running]);
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          await cloud?.stop();
          await started.policy?.remove();
          if (options.clock) runFunctionsOn(undefined);
        })();
        return stopping;
      },
    };

    /** The host's own routes: health, SQS, events, console APIs and the approval shortcuts. */
    async function localRoute(request: HostRequest): Promise<PlainAnswer | undefined> {
      const path = request.url.split('?')[0] ?? '/';
      const target = header(request, 'x-amz-target');
      if (request.method === 'POST' && target?.startsWith(`${SQS_TARGET_PREFIX}.`)) {
        const answer = answerSqs(target, request.body.toString('utf8'));
        return { status: answer.statusCode, headers: answer.headers, body: answer.body };
      }
      if (!ready && (path === '/health' || FUNCTION_PATHS.has(path) || path === '/events')) {
        return {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '1' },
          body: JSON.stringify({
            status: 'starting',
            message: 'Converge is still loading its functions; retry in a second.',
          }),
        };
      }
      if (request.method === 'GET' && path === '/health') {
        return json(200, { status: 'ok', cloud: cloudEndpoint, idle: deliveries.every((d) => d.idle()) });
      }
      if (request.method === 'POST' && path === '/events') {
        if (!carriesEventsToken(request))
          return json(403, {
            message: `POST /events needs this host's events token (?token= or x-converge-events-token); start the local cloud with --event-target '${url}/events?token=…' as converge dev printed it.`,
          });
        const event = safeJson(request.body.toString('utf8')) as CloudEvent | undefined;
        if (!event || typeof event['detail-type'] !== 'string')
          return json(400, { message: 'not an EventBridge event' });
        void dispatchEvent(event);
        return json(202, { accepted: true });
      }
      const slack = /^\/local\/slack\/api\/([\w.]+)$/.exec(path);
      if (slack && request.method === 'POST') {
        const reply = consoles.slack(slack[1]!, formOrJson(request));
        return json(reply.status, reply.body);
      }
      if (path.startsWith('/local/github/')) {
        const reply = consoles.github(
          request.method,
          path.slice('/local/github'.length),
          formOrJson(request),
        );
        return json(reply.status, reply.body ?? {});
      }
      const vote = /^\/local\/(approve|reject)\/([^/]+)$/.exec(path);
      if (vote && request.method === 'POST')
        return clickFor(vote[1] as 'approve' | 'reject', decodeURIComponent(vote[2]!));
      return undefined;
    }

    /** A Slack click signed with the local signing secret, through the approve function. */
    async function clickFor(decision: 'approve' | 'reject', deploymentId: string): Promise<PlainAnswer> {
      const shown = consoles.approval(deploymentId);
      if (!shown)
        return json(404, { message: `No approval request for ${deploymentId} was shown by this host.` });
      const click = signedSlackClick({
        decision,
        deploymentId,
        changeSetId: shown.changeSetId,
        userId: LOCAL_CLICK_USER,
        message: { channel: shown.channel, ts: shown.ts },
        signingSecret: options.secrets.slackSigningSecret,
        timestamp: Math.floor(Date.now() / 1000),
      });
      const response = await fetch(`${url}/slack/actions`, {
        method: 'POST',
        headers: click.headers,
        body: click.body,
      });
      return { status: response.status, body: (await response.text()) || JSON.stringify({ sent: decision }) };
    }
  }
}

/** The entry modules Lambda runs, imported after the environment is set. */
async function loadFunctions() {
  const root = new URL('../../functions/', import.meta.url);
  const [webhook, approve, plan, execute, stackEvents, reconcile] = await Promise.all([
    import('../../functions/webhook/index.ts'),
    import('../../functions/approve/index.ts'),
    import('../../functions/plan/index.ts'),
    import('../../functions/execute/index.ts'),
    import('../../functions/stack-events/index.ts'),
    import('../../functions/reconcile/index.ts'),
  ]);
  // The drift sweep joins when its function exists.
  const driftSweepPath = fileURLToPath(new URL('drift-sweep/index.ts', root));
  const driftSweepEntry = existsSync(driftSweepPath)
    ? ((await import(driftSweepPath)) as { handler: EventHandler & { load(): Promise<void> } }).handler
    : undefined;
  // Lambda loads a handler on its first invocation; the host loads them all before it takes
  // events, so the first job's load (slow on a busy machine) never outlasts a visibility timeout.
  await Promise.all(
    [webhook, approve, plan, execute, stackEvents, reconcile].map((entry) => entry.handler.load()),
  );
  await driftSweepEntry?.load();
  const driftSweep: EventHandler | undefined = driftSweepEntry;
  return {
    webhook: webhook.handler as unknown as LambdaHandler<unknown, unknown>,
    approve: approve.handler as unknown as LambdaHandler<unknown, unknown>,
    plan: plan.handler as unknown as LambdaHandler<SQSEvent, SQSBatchResponse | undefined>,
    execute: execute.handler as unknown as LambdaHandler<SQSEvent, SQSBatchResponse | undefined>,
    'stack-events': stackEvents.handler as unknown as EventHandler,
    reconcile: reconcile.handler as unknown as EventHandler,
    'drift-sweep': driftSweep,
  };
}

function invokeWith(
  name: string,
  handler: LambdaHandler<unknown, unknown>,
  timeoutMs: number,
): FunctionUrlHandler {
  return async (event) =>
    (await handler(
      event,
      lambdaContext(name, { region: process.env.AWS_REGION ?? 'us-east-1', timeoutMs }),
    )) as Awaited<ReturnType<FunctionUrlHandler>>;
}

/** What a webhook answer that changed nothing says (ignored, duplicate, refused), for the terminal. */
function ignoredReason(answer: unknown): string | undefined {
  const { statusCode, body } = (answer ?? {}) as { statusCode?: number; body?: string };
  const parsed =
    typeof body === 'string' ? (safeJson(body) as Record<string, unknown> | undefined) : undefined;
  if (statusCode !== undefined && statusCode >= 400)
    return `refused (${statusCode}): ${String(parsed?.message ?? parsed?.error ?? body ?? '')}`;
  if (parsed?.outcome === 'ignored' || parsed?.outcome === 'duplicate')
    return `${String(parsed.outcome)}: ${String(parsed.reason ?? '')}`;
  return undefined;
}

/** The event EventBridge Scheduler passes, with the input the CDK app sets on the schedule. */
/**
 * The event a schedule delivers, shaped as in AWS (the stateless stack's schedules): detail-type
 * `Scheduled Event`, so the functions accept one event shape, the production one.
 */
function scheduledEvent(
  region: string,
  name: string,
  detail: Record<string, string> = {},
): EventBridgeEvent<'Scheduled Event', unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: SCHEDULE_SOURCE,
    account: HOST_ACCOUNT_ID,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:scheduler:${region}:${HOST_ACCOUNT_ID}:schedule/default/converge-${name}`],
    detail,
  };
}

function ignoreExisting(error: { name?: string }): void {
  if (error.name === 'ResourceInUseException' || error.name === 'BucketAlreadyOwnedByYou') return;
  throw error;
}

function header(request: HostRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

function formOrJson(request: HostRequest): Record<string, unknown> {
  const text = request.body.toString('utf8');
  if ((header(request, 'content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  const parsed = safeJson(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function json(status: number, body: unknown): PlainAnswer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
