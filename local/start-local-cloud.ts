import { createServer, type Server } from 'node:http';
import { accountOfAccessKey } from './cloud/account-keys.ts';
import { CallTrail, recordCalls } from './cloud/call-trail.ts';
import { LOCAL_ACCOUNT_ID } from './cloud/create-cloud-event.ts';
import { createCloudRequestHandler } from './cloud/create-cloud-request-handler.ts';
import { createEventBus, type EventSubscriber } from './cloud/event-bus.ts';
import { createFaultInjector, type FaultConfig, type FaultInjector } from './cloud/fault-injector.ts';
import { routeByAccount } from './cloud/route-by-account.ts';
import type {
  JsonProtocolService,
  LocalService,
  PublishEvent,
  QueryProtocolService,
} from './cloud/service.ts';
import {
  type CloudFormationEmulator,
  createCloudFormationEmulator,
} from './cloudformation/create-cloudformation-emulator.ts';
import type { EmulatorDelays } from './cloudformation/emulator-state.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb/start-dynamodb-local.ts';
import { listenLoopback } from './net/listen-loopback.ts';
import { createFetchTemplate, type FetchTemplate } from './s3/fetch-template.ts';
import { createS3Store, type S3Store } from './s3/s3-store.ts';
import { type LocalRole, LocalRoles } from './sts/local-roles.ts';
import { StsService } from './sts/sts-service.ts';

/** What emulated services get from the local cloud when they are created. */
export interface LocalServiceDeps {
  readonly publish: PublishEvent;
  readonly fetchTemplate: FetchTemplate;
}

export interface LocalCloudOptions {
  /** Port on 127.0.0.1; a free one when omitted. */
  readonly port?: number;
  /** Fault rules in force from the start; change them later with `cloud.faults.set`. */
  readonly faults?: FaultConfig;
  /**
   * How long the emulated CloudFormation and Cloud Control take per asynchronous phase, in ms
   * (`{ changeSet: 0, resource: 0 }` for fast tests). Latency on the wire is a fault rule (`latencyMs`).
   */
  readonly delays?: Partial<EmulatorDelays>;
  /** Start DynamoDB Local behind the endpoint; defaults to true (needs Java 17). */
  readonly dynamodb?: boolean;
  /** URLs that receive every published event as a JSON POST. */
  readonly eventTargets?: readonly string[];
  /**
   * More emulated services, created with the cloud's publish and fetchTemplate. One with the
   * signing name or target prefix of a built-in service (CloudFormation, Cloud Control) replaces it.
   */
  readonly services?: (deps: LocalServiceDeps) => readonly LocalService[];
  /** Where the cloud reports problems (failed deliveries, unexpected errors); defaults to stderr. */
  readonly log?: (message: string) => void;
  /**
   * Roles of emulated accounts that `sts:AssumeRole` may assume (more with `cloud.roles.add`).
   * Requests signed with the credentials it issues act in the role's account.
   */
  readonly roles?: readonly LocalRole[];
}

/** A running local cloud. */
export interface LocalCloud {
  /** `http://127.0.0.1:<port>`: set it as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  readonly port: number;
  readonly events: { subscribe(subscriber: EventSubscriber): () => void };
  readonly faults: FaultInjector;
  readonly s3: S3Store;
  readonly fetchTemplate: FetchTemplate;
  /**
   * The emulated CloudFormation and Cloud Control of the local account (`000000000000`, whatever
   * credentials did not come from AssumeRole act in): resource failures to inject, resources, `idle()`.
   */
  readonly cloudFormation: CloudFormationEmulator;
  /** The emulated CloudFormation and Cloud Control of one account; each account has its own stacks. */
  account(id: string): CloudFormationEmulator;
  /** The roles AssumeRole may assume. */
  readonly roles: LocalRoles;
  /**
   * Calls to CloudFormation, Cloud Control and CloudWatch, each with the account it acted in and
   * who made it (for an assumed role, its session name), like CloudTrail.
   */
  readonly trail: CallTrail;
  /** DynamoDB Local's own endpoint and pid, when it runs. */
  readonly dynamodb: { readonly endpoint: string; readonly pid: number } | undefined;
  /** Stops the server (closing open connections), flushes event deliveries, stops DynamoDB Local. */
  stop(): Promise<void>;
}

export class LocalCloudOptionsInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalCloudOptionsInvalidError';
  }
}

export class LocalCloudStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalCloudStartError';
  }
}

const KNOWN_OPTIONS = new Set([
  'port',
  'faults',
  'delays',
  'dynamodb',
  'eventTargets',
  'services',
  'log',
  'roles',
]);

/**
 * Starts the local cloud: every emulated service behind one loopback endpoint, so
 * `AWS_ENDPOINT_URL=http://127.0.0.1:<port>` points any AWS SDK (or the AWS CLI with
 * `--endpoint-url`) at it. A development and test tool, not a deployment target.
 *
 * @example
 * const cloud = await startLocalCloud({ dynamodb: true });
 * const s3 = new S3Client({ endpoint: cloud.endpoint, forcePathStyle: true, region: 'us-east-1' });
 * await cloud.stop();
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  validateOptions(options);
  const log = options.log ?? ((message: string) => console.error(message));
  const faults = createFaultInjector(options.faults);
  const bus = createEventBus({ targets: options.eventTargets ?? [], log, faults });
  const s3 = createS3Store();
  const fetchTemplate = createFetchTemplate(s3);
  // One CloudFormation and Cloud Control per account, created when the account is first used.
  const emulators = new Map<string, CloudFormationEmulator>();
  const account = (id: string): CloudFormationEmulator => {
    let emulator = emulators.get(id);
    if (!emulator) {
      emulator = createCloudFormationEmulator({
        publish: bus.publish,
        fetchTemplate,
        account: id,
        ...(options.delays ? { delays: options.delays } : {}),
      });
      emulators.set(id, emulator);
    }
    return emulator;
  };
  const cloudFormation = account(LOCAL_ACCOUNT_ID);
  const roles = new LocalRoles(options.roles);
  const sts = new StsService(roles);
  // Calls to the per-account services are recorded with the session that made them (CloudTrail).
  const trail = new CallTrail();
  const traced = <S extends LocalService>(service: S) =>
    recordCalls(service, trail, { identify: (key) => sts.identify(key), accountOf: accountOfAccessKey });
  const services = [
    traced(routeByAccount(cloudFormation.cloudFormation, (id) => account(id).cloudFormation)),
    traced(routeByAccount(cloudFormation.cloudControl, (id) => account(id).cloudControl)),
    traced(routeByAccount(cloudFormation.cloudWatch, (id) => account(id).cloudWatch)),
    sts,
    ...(options.services?.({ publish: bus.publish, fetchTemplate }) ?? []),
  ];
  const dynamodb = options.dynamodb === false ? undefined : await startDynamoDbLocal();
  const handler = createCloudRequestHandler({
    directory: directoryOf(services),
    s3,
    dynamodbEndpoint: dynamodb?.endpoint,
    faults,
    log,
  });
  const server = createServer((incoming, outgoing) => {
    void handler(incoming, outgoing);
  });
  const port = await listenLoopback(server, options.port ?? 0).catch(async (error: Error) => {
    await dynamodb?.stop();
    throw new LocalCloudStartError(
      `The local cloud could not listen on 127.0.0.1:${options.port ?? 0}: ${error.message}. Choose another port or omit it.`,
    );
  });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    events: { subscribe: bus.subscribe },
    faults,
    s3,
    fetchTemplate,
    cloudFormation,
    account,
    roles,
    trail,
    dynamodb: dynamodb ? { endpoint: dynamodb.endpoint, pid: dynamodb.pid } : undefined,
    stop() {
      stopping ??= stopAll(server, bus.flush, dynamodb);
      return stopping;
    },
  };
}

function validateOptions(options: LocalCloudOptions): void {
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length > 0) {
    throw new LocalCloudOptionsInvalidError(
      `Unknown local cloud option(s): ${unknown.join(', ')}. Known options: ${[...KNOWN_OPTIONS].join(', ')}.`,
    );
  }
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)
  ) {
    throw new LocalCloudOptionsInvalidError(
      `port must be a whole number from 0 to 65535, got ${options.port}.`,
    );
  }
  for (const target of options.eventTargets ?? []) {
    if (!/^https?:\/\//.test(target)) {
      throw new LocalCloudOptionsInvalidError(`eventTargets must be http(s) URLs, got '${target}'.`);
    }
  }
}

function directoryOf(services: readonly LocalService[]) {
  const queryBySigningName = new Map<string, QueryProtocolService>();
  const jsonByTargetPrefix = new Map<string, JsonProtocolService>();
  for (const service of services) {
    if (service.protocol === 'query') queryBySigningName.set(service.signingName, service);
    else jsonByTargetPrefix.set(service.targetPrefix, service);
  }
  return { queryBySigningName, jsonByTargetPrefix };
}

async function stopAll(server: Server, flush: () => Promise<void>, dynamodb: DynamoDbLocal | undefined) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  await Promise.race([flush(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  await dynamodb?.stop();
}
