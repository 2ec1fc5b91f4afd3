import { createHmac, randomUUID } from 'node:crypto';
import { signedSlackClick } from '../../../local/host/signed-slack-click.ts';
import { type Host, startHost } from '../../../local/host/start-host.ts';
import { DynamoDbStore } from '../../../shared/adapters/aws/dynamodb-store.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { createGitRepo, type GitRepo } from '../../support/git-repo.ts';
import { recordedExample } from '../../support/github-delivery.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

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
export function template(value: string, options: { visibility?: number } = {}): string {
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
    'Outputs:',
    '  SettingName:',
    '    Value: !Ref Setting',
    '',
  ].join('\n');
}

/** The host, the local cloud, Slack and GitHub stand-ins and a real infrastructure repository. */
export interface E2e {
  readonly host: Host;
  readonly recorder: RecordingServer;
  readonly repo: GitRepo;
  readonly repository: string;
  readonly store: DynamoDbStore;
  /** Commits files on main and sends the push webhook for it; returns the SHA and the answer. */
  push(
    files: Record<string, string | null>,
    options?: { before?: string; deliveryId?: string },
  ): Promise<{ sha: string; status: number; deliveryId: string }>;
  /** Sends a signed webhook body (any event). */
  deliver(event: string, payload: unknown, deliveryId?: string, secret?: string): Promise<Response>;
  /** A signed Slack click on a deployment's approval message. */
  click(
    deployment: Deployment,
    options?: {
      decision?: 'approve' | 'reject';
      changeSetId?: string;
      deploymentId?: string;
      timestamp?: number;
      userId?: string;
    },
  ): Promise<Response>;
  deployments(stackName: string): Promise<readonly Deployment[]>;
  /** Waits until `read` returns a value `until` accepts. */
  waitFor<T>(
    read: () => Promise<T>,
    until: (value: T) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  stop(): Promise<void>;
}

/** Starts everything for one e2e file: host on a free port, local cloud, DynamoDB Local. */
export async function startE2e(options: { visibilityTimeoutMs?: number } = {}): Promise<E2e> {
  const recorder = await startRecordingServer();
  const repo = await createGitRepo();
  const repository = 'acme/infrastructure';
  let host: Host;
  try {
    host = await startHost({
      port: 0,
      region: REGION,
      repositories: { [repository]: repo.dir },
      delays: { changeSet: 5, resource: 5 },
      secrets: SECRETS,
      slackApiUrl: `${recorder.url}/api/`,
      githubApiUrl: recorder.url,
      visibilityTimeoutMs: options.visibilityTimeoutMs ?? 300,
      maxReceiveCount: 20,
      scheduleEveryMs: 0,
      logLevel: 'ERROR',
      print: () => undefined,
      log: () => undefined,
    });
  } catch (error) {
    await recorder.stop();
    await repo.remove();
    throw error;
  }
  const store = new DynamoDbStore({ tableName: host.tableName });
  let head: string | undefined;

  const deliver = (
    event: string,
    payload: unknown,
    deliveryId: string = randomUUID(),
    secret: string = SECRETS.webhookSecret,
  ) => {
    const body = JSON.stringify(payload);
    return fetch(`${host.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
  };

  return {
    host,
    recorder,
    repo,
    repository,
    store,
    deliver,
    async push(files, pushOptions = {}) {
      const before = pushOptions.before ?? head ?? '0'.repeat(40);
      const sha = await repo.commit({ files, message: `change ${Object.keys(files).join(', ')}` });
      head = sha;
      const deliveryId: string = pushOptions.deliveryId ?? randomUUID();
      const response = await deliver(
        'push',
        pushPayload(repository, before, sha, Object.keys(files)),
        deliveryId,
      );
      return { sha, status: response.status, deliveryId };
    },
    click(deployment, clickOptions = {}) {
      const slack = deployment.notifications?.slack as { channel?: string; ts?: string } | undefined;
      const { headers, body } = signedSlackClick({
        decision: clickOptions.decision ?? 'approve',
        deploymentId: clickOptions.deploymentId ?? deployment.id,
        changeSetId: clickOptions.changeSetId ?? deployment.changeSet?.id ?? '',
        userId: clickOptions.userId ?? 'U0APPROVER',
        ...(slack?.channel && slack.ts ? { message: { channel: slack.channel, ts: slack.ts } } : {}),
        signingSecret: SECRETS.slackSigningSecret,
        timestamp: clickOptions.timestamp ?? Math.floor(Date.now() / 1000),
      });
      return fetch(`${host.url}/slack/actions`, { method: 'POST', headers, body });
    },
    deployments: (stackName) => store.listDeployments(stackKey({ stackName, region: REGION })),
    async waitFor(read, until, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        const value = await read();
        if (until(value)) return value;
        last = value;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
    },
    async stop() {
      await host.stop();
      await recorder.stop();
      await repo.remove();
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
