import { createHmac, randomUUID } from 'node:crypto';
import type { EmulatorDelays } from '../../../local/cloudformation/emulator-state.ts';
import { signedSlackClick } from '../../../local/host/signed-slack-click.ts';
import { type Host, startHost } from '../../../local/host/start-host.ts';
import type { LocalRole } from '../../../local/sts/local-roles.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../../shared/domain/deployment/deployment.ts';
import type { Clock } from '../../../shared/ports/clock.ts';
import { createGitRepo, type GitRepo } from '../../support/git-repo.ts';
import { recordedExample } from '../../support/github-delivery.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';
import { waitFor as waitUntil } from '../../support/wait-for.ts';

export const REGION = 'us-east-1';
export const SECRETS = {
  webhookSecret: 'e2e-webhook-secret',
  slackSigningSecret: 'e2e-signing-secret',
  slackBotToken: 'xoxb-e2e',
  githubToken: 'ghs_e2e',
} as const;

/** converge.yaml with the given stacks (name → template path) and approval rule. */
export function convergeYaml(
  stacks: readonly string[],
  approval = '{ required: 1, autoApprove: never }',
): string {
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    `  approval: ${approval}`,
    'stacks:',
    ...stacks.flatMap((name) => [`  - name: ${name}`, `    template: stacks/${name}.yaml`]),
    '',
  ].join('\n');
}

/** A template with an SQS queue and an SSM parameter whose value is `value`. */
export function template(value: string, options: { visibility?: number; extra?: string } = {}): string {
  return [
    'Resources:',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    `      VisibilityTimeout: ${options.visibility ?? 30}`,
    '  Setting:',
    '    Type: AWS::SSM::Parameter',
    '    Properties:',
    '      Type: String',
    `      Value: ${JSON.stringify(value)}`,
    ...(options.extra ? [options.extra] : []),
    'Outputs:',
    '  SettingName:',
    '    Value: !Ref Setting',
    '',
  ].join('\n');
}

/** The host, the local cloud, Slack and GitHub stand-ins and a real infrastructure repository. */
/** One infrastructure repository the host reads, under its GitHub name. */
export interface E2eRepository {
  readonly name: string;
  readonly repo: GitRepo;
  /** Commits files on main and sends the push webhook for it; returns the SHA and the answer. */
  push(
    files: Record<string, string | null>,
    options?: { deliveryId?: string; send?: boolean },
  ): Promise<{ sha: string; status: number; deliveryId: string; body: string }>;
}

/** The host, the local cloud, Slack and GitHub stand-ins and real infrastructure repositories. */
export interface E2e {
  readonly host: Host;
  readonly recorder: RecordingServer;
  readonly store: DynamoDbStore;
  /** The repository mapped as `acme/<name>`. */
  repository(name: string): E2eRepository;
  /** Pushes to the first repository named in `startE2e`. */
  push: E2eRepository['push'];
  /** Sends a webhook body signed with `secret` (the test secret by default). */
  deliver(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string; secret?: string },
  ): Promise<Response>;
  /** A signed Slack click on a deployment's approval message. */
  click(
    deployment: Deployment,
    options?: {
      decision?: 'approve' | 'reject';
      changeSetId?: string;
      deploymentId?: string;
      timestamp?: number;
      userId?: string;
      /** The clicking user's Slack workspace; the host's (`T0LOCAL`, the generated policy's) by default. */
      teamId?: string;
    },
  ): Promise<Response>;
  /** The deployments of a stack in Converge's own account, or in `account` when given. */
  deployments(stackName: string, account?: string): Promise<readonly Deployment[]>;
  /** Waits until `read` returns a value `until` accepts. */
  waitFor<T>(
    read: () => Promise<T>,
    until: (value: T) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  stop(): Promise<void>;
}

/** The Slack user the harness clicks as unless a test says otherwise: a control-plane approver. */
export const APPROVER_SLACK_ID = 'U0APPROVER';

export interface E2eOptions {
  /**
   * The control-plane policy file. Without one, the host generates a policy that serves every
   * `acme/<name>` repository (branch main, any stack) with `slack:U0APPROVER` as approver.
   */
  readonly policyFile?: string;
  /** The functions' log level (Powertools); CRITICAL unless `E2E_HOST_LOG` is set. */
  readonly logLevel?: string;
  /**
   * The queues' visibility timeout; 10 s by default. It must outlast the longest batch an
   * invocation runs (AWS: six times the function timeout), or a message comes back while its
   * first invocation still runs: tests that load the host raise it.
   */
  readonly visibilityTimeoutMs?: number;
  /** Messages per queue invocation (10 by default); see `HostOptions.batchSize`. */
  readonly batchSize?: number;
  /** Invocations per queue at once (4 by default); see `HostOptions.queueConcurrency`. */
  readonly queueConcurrency?: number;
  /** Receives before a failing message moves to the dead-letter list; 50 by default. */
  readonly maxReceiveCount?: number;
  /** Where the host's own messages go (retries, dead letters); dropped unless `E2E_HOST_LOG` is set. */
  readonly log?: (message: string) => void;
  /** The clock the host's functions run on (and Slack clicks are signed with); the system's by default. */
  readonly clock?: Clock;
  /** The roles the local cloud lets Converge assume; by default those the policy's accounts name. */
  readonly roles?: readonly LocalRole[];
  /** Emulator delays of the local cloud; a few milliseconds per change-set step and resource by default. */
  readonly delays?: Partial<EmulatorDelays>;
}

/**
 * Starts everything for one e2e file: the host on a free port with the local cloud and DynamoDB
 * Local, a recording server for Slack and GitHub, and one git repository per name.
 */
export async function startE2e(
  names: readonly string[] = ['infrastructure'],
  options: E2eOptions = {},
): Promise<E2e> {
  const recorder = await startRecordingServer();
  const repos = new Map<string, GitRepo>();
  let host: Host;
  try {
    for (const name of names) repos.set(`acme/${name}`, await createGitRepo());
    host = await startHost({
      port: 0,
      region: REGION,
      repositories: Object.fromEntries([...repos].map(([name, repo]) => [name, repo.dir])),
      delays: options.delays ?? { changeSet: 5, resource: 5 },
      ...(options.clock ? { clock: options.clock } : {}),
      secrets: SECRETS,
      ...(options.roles ? { roles: options.roles } : {}),
      ...(options.policyFile
        ? { policyFile: options.policyFile }
        : { localApprovers: [`slack:${APPROVER_SLACK_ID}`] }),
      slackApiUrl: `${recorder.url}/api/`,
      githubApiUrl: recorder.url,
      // Longer than any one invocation (AWS uses six times the function timeout), short enough
      // that a retried execution (stack busy) comes back quickly.
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 10_000,
      maxReceiveCount: options.maxReceiveCount ?? 50,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.queueConcurrency ? { queueConcurrency: options.queueConcurrency } : {}),
      scheduleEveryMs: 0,
      logLevel: options.logLevel ?? (process.env.E2E_HOST_LOG ? 'ERROR' : 'CRITICAL'),
      print: () => undefined,
      log: options.log ?? (process.env.E2E_HOST_LOG ? (m) => console.error(m) : () => undefined),
    });
  } catch (error) {
    await recorder.stop();
    for (const repo of repos.values()) await repo.remove();
    throw error;
  }
  const store = new DynamoDbStore({ tableName: host.tableName });
  const clock = options.clock;
  const heads = new Map<string, string>();

  const deliver: E2e['deliver'] = (event, payload, options = {}) => {
    const body = JSON.stringify(payload);
    const secret = options.secret ?? SECRETS.webhookSecret;
    return fetch(`${host.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': options.deliveryId ?? randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
  };

  const waitFor: E2e['waitFor'] = (read, until, what, timeoutMs = 30_000) =>
    waitUntil(read, until, { what, timeoutMs, intervalMs: 50 });

  function repository(short: string): E2eRepository {
    const name = `acme/${short}`;
    const repo = repos.get(name);
    if (!repo) throw new Error(`no repository ${name}: name it in startE2e`);
    return {
      name,
      repo,
      async push(files, options = {}) {
        const before = heads.get(name) ?? '0'.repeat(40);
        const sha = await repo.commit({ files, message: `change ${Object.keys(files).join(', ')}` });
        heads.set(name, sha);
        const deliveryId: string = options.deliveryId ?? randomUUID();
        const payload = pushPayload(name, before, sha, Object.keys(files));
        if (options.send === false) return { sha, status: 0, deliveryId, body: JSON.stringify(payload) };
        const response = await deliver('push', payload, { deliveryId });
        return { sha, status: response.status, deliveryId, body: JSON.stringify(payload) };
      },
    };
  }

  return {
    host,
    recorder,
    store,
    deliver,
    repository,
    push: (files, options) => repository(names[0]!).push(files, options),
    async click(deployment, options = {}) {
      // Slack sends the clicked message's channel and ts: wait until the message was posted.
      const shown = await waitFor(
        () => store.getDeployment(deployment.id),
        (d) => typeof d?.notifications?.slack?.ts === 'string' || d?.status !== 'AWAITING_APPROVAL',
        `the approval message of ${deployment.id}`,
      );
      const slack = shown?.notifications?.slack as { channel?: string; ts?: string } | undefined;
      const { headers, body } = signedSlackClick({
        decision: options.decision ?? 'approve',
        deploymentId: options.deploymentId ?? deployment.id,
        changeSetId: options.changeSetId ?? deployment.changeSet?.id ?? '',
        userId: options.userId ?? APPROVER_SLACK_ID,
        ...(options.teamId ? { teamId: options.teamId } : {}),
        ...(slack?.channel && slack.ts ? { message: { channel: slack.channel, ts: slack.ts } } : {}),
        signingSecret: SECRETS.slackSigningSecret,
        timestamp: options.timestamp ?? Math.floor((clock?.now() ?? Date.now()) / 1000),
      });
      return fetch(`${host.url}/slack/actions`, { method: 'POST', headers, body });
    },
    deployments: (stackName, account) =>
      store.listDeployments(stackKey({ stackName, region: REGION, account })),
    waitFor,
    async stop() {
      await host.stop();
      await recorder.stop();
      for (const repo of repos.values()) await repo.remove();
    },
  };
}

/** A real push payload (from @octokit/webhooks-examples) rewritten for the test repository. */
export function pushPayload(
  repository: string,
  before: string,
  after: string,
  paths: readonly string[] = [],
) {
  const payload = recordedExample(
    'push',
    (example) => Array.isArray(example.commits) && example.commits.length > 0,
  );
  const [owner, name] = repository.split('/') as [string, string];
  payload.ref = 'refs/heads/main';
  payload.before = before;
  payload.after = after;
  payload.created = /^0+$/.test(before);
  payload.deleted = false;
  payload.forced = false;
  payload.repository.name = name;
  payload.repository.full_name = repository;
  payload.repository.owner.login = owner;
  payload.repository.owner.name = owner;
  payload.repository.default_branch = 'main';
  payload.repository.master_branch = 'main';
  payload.head_commit = { ...payload.head_commit, id: after, tree_id: after };
  payload.commits = [
    { ...payload.commits[0], id: after, tree_id: after, added: [], removed: [], modified: [...paths] },
  ];
  return payload;
}

/** The newest deployment of a list (they are listed oldest first or newest first; sort to be sure). */
export function newest(deployments: readonly Deployment[]): Deployment | undefined {
  return [...deployments].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}

/** Waits for the newest deployment of a stack to reach one of `statuses`. */
export function settled(e2e: E2e, stackName: string, statuses: readonly string[]): Promise<Deployment> {
  return e2e.waitFor(
    async () => newest(await e2e.deployments(stackName)),
    (d) => d !== undefined && statuses.includes(d.status),
    `${stackName} to reach ${statuses.join(' or ')}`,
  ) as Promise<Deployment>;
}

/** Waits until a deployment has reached one of `statuses`. */
export function reaches(e2e: E2e, id: string, statuses: readonly string[]): Promise<Deployment> {
  return e2e.waitFor(
    () => e2e.store.getDeployment(id),
    (d) => d !== undefined && statuses.includes(d.status),
    `deployment ${id} to reach ${statuses.join(' or ')}`,
  ) as Promise<Deployment>;
}

/**
 * Waits until whatever the test's requests started for the stack has been processed: no message
 * of its group waits or runs in either queue. Every handler queues its work before it answers,
 * and the test calls this once its requests were answered, so the work is queued or done by then:
 * an empty queue here means done, not "not queued yet" (no sleep needed or used). The check must
 * hold again after a turn of the event loop, so a message moving from the plan queue to the
 * execute queue at that moment is seen.
 */
export async function quiet(e2e: E2e, stackName: string): Promise<void> {
  const mine = (group: string) => group.endsWith(`/${stackName}`);
  const state = () => ({
    plan: e2e.host.queues.plan.holds(mine),
    execute: e2e.host.queues.execute.holds(mine),
  });
  const done = (held: ReturnType<typeof state>) => !held.plan && !held.execute;
  for (let rounds = 0; rounds < 2; ) {
    await e2e.waitFor(async () => state(), done, `the queues to hold nothing for ${stackName}`);
    await new Promise((resolve) => setImmediate(resolve));
    rounds = done(state()) ? rounds + 1 : 0;
  }
}
