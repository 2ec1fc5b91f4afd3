import { AssumedRoleCredentials } from '../adapters/aws/assumed-role-credentials.ts';
import { CloudFormationStacks } from '../adapters/aws/cloudformation-stacks.ts';
import { DynamoDbDriftStore } from '../adapters/aws/dynamodb-drift-store.ts';
import { DynamoDbStore } from '../adapters/aws/dynamodb-store.ts';
import { S3Artifacts } from '../adapters/aws/s3-artifacts.ts';
import { SqsQueue } from '../adapters/aws/sqs-queue.ts';
import { stsCallerIdentity } from '../adapters/aws/sts-caller-identity.ts';
import { GitSource } from '../adapters/git/git-source.ts';
import type { GithubClient } from '../adapters/github/create-octokit.ts';
import type { GithubCodeReview } from '../adapters/github/github-code-review.ts';
import type { GithubSource } from '../adapters/github/github-source.ts';
import { CompositeNotifier } from '../adapters/notify/composite-notifier.ts';
import { slackVoteReader } from '../adapters/slack/slack-vote-reader.ts';
import { buildApproverAliases } from '../domain/approval/approver-aliases.ts';
import type { ControlPlanePolicy } from '../domain/policy/control-plane-policy.ts';
import type { WhoAmI } from '../ports/caller-identity.ts';
import type { CodeReview } from '../ports/code-review.ts';
import type { NotificationChannel } from '../ports/notifier.ts';
import type { Source } from '../ports/source.ts';
import type { DecideApprovalDeps } from '../use-cases/approval/decide-approval.ts';
import type { ReceiveChatVoteDeps } from '../use-cases/approval/receive-chat-vote.ts';
import type { SweepDriftDeps } from '../use-cases/drift/sweep-drift.ts';
import type { ExecuteDeps } from '../use-cases/execution/execute-deployment.ts';
import type { ReconcileDeps } from '../use-cases/execution/reconcile-deployments.ts';
import type { PlanDeps } from '../use-cases/planning/plan-stack.ts';
import type { ReceiveWebhookDeps } from '../use-cases/webhook/receive-webhook.ts';
import { type Config, config, SecretName } from './config.ts';
import { driftMetricsNotifier } from './drift-metrics-notifier.ts';
import { githubAuth } from './github-auth.ts';
import { metricsChannel } from './metrics-channel.ts';
import { loadPolicy } from './policy.ts';
import { runtimeClock } from './runtime-clock.ts';
import { createSecrets, type Secrets } from './secrets.ts';

/** Everything any Converge function needs; each handler takes the part it uses. */
export type Deps = ReceiveWebhookDeps &
  PlanDeps &
  ExecuteDeps &
  DecideApprovalDeps &
  SweepDriftDeps &
  ReceiveChatVoteDeps & {
    /** The control-plane policy, read once per execution environment; fails closed when missing. */
    readonly policy: ControlPlanePolicy;
    /** Who the current AWS credentials belong to (`converge approve` votes as that principal). */
    readonly whoAmI: WhoAmI;
    readonly settings: ReceiveWebhookDeps['settings'] &
      PlanDeps['settings'] &
      ExecuteDeps['settings'] &
      ReconcileDeps['settings'] &
      SweepDriftDeps['settings'];
  };

/** How long a stack lock holds without release: longer than any stack operation Converge waits for. */
const LOCK_LEASE_MS = 3 * 60 * 60_000;
/** GitHub redelivers a delivery (by hand or by its own retries) within days; remember ids for a week. */
const DELIVERY_TTL_MS = 7 * 24 * 60 * 60_000;

let built: Deps | undefined;

/**
 * The composition root: the only place that picks adapters. Built once per execution environment
 * and lazily, piece by piece, so importing a handler reads no configuration and a function builds
 * only the clients it uses. The GitHub and Slack adapters (Octokit, the Slack WebClient) are
 * imported on first use and the AWS adapters load their SDK client on first call, so a cold start
 * loads neither, and a function never loads the clients it does not use. Every client's endpoint comes from configuration (the SDK's
 * AWS_ENDPOINT_URL_* variables, the GitHub and Slack API URLs), so the same wiring runs on AWS and
 * against the local cloud.
 *
 * @example
 * // In functions/plan/index.ts, once this module is loaded with the handler on the first invocation:
 * return planHandler(deps());
 */
export function deps(): Deps {
  built ??= composeDeps(config);
  return built;
}

/** Wires the adapters for a configuration; `deps()` calls it once with the process configuration. */
export function composeDeps(readConfig: () => Config): Deps {
  const settings = () => readConfig();
  const secrets = once((): Secrets => createSecrets(settings()));
  const octokit = once(async (): Promise<GithubClient> => {
    const { createOctokit } = await import('../adapters/github/create-octokit.ts');
    return createOctokit({
      baseUrl: settings().github.apiUrl,
      auth: await githubAuth(settings(), secrets()),
    });
  });
  const policy = once(() => loadPolicy(settings().policyFile));
  const githubSource = once(async () => {
    const { GithubSource } = await import('../adapters/github/github-source.ts');
    return new GithubSource({ octokit: await octokit() });
  });
  const slack = once(async () => {
    const { SlackNotifier } = await import('../adapters/slack/slack-notifier.ts');
    const { slack: options } = settings();
    const token = await secrets().get(SecretName.SLACK_BOT_TOKEN);
    return new SlackNotifier({ channel: options.channel ?? '', token, slackApiUrl: options.apiUrl });
  });

  return lazyObject<Deps>({
    clock: () => runtimeClock,
    policy,
    store: () => new DynamoDbStore({ tableName: settings().tableName }),
    drift: () => new DynamoDbDriftStore({ tableName: settings().tableName }),
    driftNotifier: () =>
      driftMetricsNotifier({
        driftFound: async (record) => {
          const { slack: options } = settings();
          if (!options.channel || !secrets().has(SecretName.SLACK_BOT_TOKEN)) return { failures: [] };
          const token = await secrets().get(SecretName.SLACK_BOT_TOKEN);
          const { SlackDriftNotifier } = await import('../adapters/slack/slack-drift-notifier.ts');
          const slack = new SlackDriftNotifier({
            channel: options.channel,
            token,
            slackApiUrl: options.apiUrl,
          });
          return slack.driftFound(record);
        },
      }),
    queue: () =>
      new SqsQueue({ planQueueUrl: settings().planQueueUrl, executeQueueUrl: settings().executeQueueUrl }),
    stacks: () => {
      // Target accounts come from the policy, read only when a stack names an account.
      const assumed = once(() => new AssumedRoleCredentials({ targets: policy().accounts }));
      return new CloudFormationStacks({
        accounts: {
          credentialsFor: (account, session) => assumed().credentialsFor(account, session),
        },
      });
    },
    whoAmI: () => stsCallerIdentity(),
    artifacts: () =>
      new S3Artifacts({
        bucket: settings().artifactBucket,
        prefix: settings().artifactPrefix,
        region: settings().region,
      }),
    // Repositories named in CONVERGE_GIT_REPOSITORIES are read with git (a mirror, or a local clone).
    source: () =>
      Object.keys(settings().gitRepositories).length > 0
        ? new GitSource({ locations: settings().gitRepositories })
        : delegatingSource(githubSource),
    codeReview: () =>
      delegatingCodeReview(
        once(async () => {
          const { GithubCodeReview } = await import('../adapters/github/github-code-review.ts');
          return new GithubCodeReview({ octokit: await octokit() });
        }),
      ),
    // One person across channels: the policy's people, for rules that name none of their own.
    aliases: () => {
      const built = buildApproverAliases(policy().people);
      return built.ok ? built.aliases : undefined;
    },
    notifier: () => {
      const channels: NotificationChannel[] = [
        metricsChannel(),
        lazyChannel(
          'github',
          once(async () => {
            const { GithubNotifier } = await import('../adapters/github/github-notifier.ts');
            return new GithubNotifier({ octokit: await octokit(), commitChecks: 'auto' });
          }),
        ),
      ];
      const { slack: options } = settings();
      if (options.channel && secrets().has(SecretName.SLACK_BOT_TOKEN))
        channels.push(lazyChannel('slack', slack));
      return new CompositeNotifier(channels);
    },
    voterReplies: () => ({
      replyToVoter: async (target, text) => (await slack()).replyToVoter(target, text),
    }),
    verify: () => async (request) => {
      const { verifyGithubWebhook } = await import('../adapters/github/verify-github-webhook.ts');
      return verifyGithubWebhook({
        secrets: await secrets().get(SecretName.GITHUB_WEBHOOK_SECRET),
        ...request,
      });
    },
    readChatVote: () =>
      slackVoteReader({
        signingSecret: () => secrets().get(SecretName.SLACK_SIGNING_SECRET),
        now: () => runtimeClock.now(),
      }),
    settings: () => ({
      defaultRoleArn: settings().cloudFormationRoleArn,
      lockLeaseMs: LOCK_LEASE_MS,
      executionGraceMs: settings().executionGraceSeconds * 1000,
      deliveryTtlMs: DELIVERY_TTL_MS,
      sweep: { maxConcurrency: settings().driftMaxConcurrency },
    }),
  });
}

/** A value computed on first call and reused. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: make() };
    return value.v;
  };
}

/** An object whose properties are built on first read and kept. */
function lazyObject<T extends object>(factories: { readonly [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(factories) as (keyof T)[]) {
    const get = once(factories[key]);
    Object.defineProperty(target, key, { enumerable: true, get });
  }
  return target;
}

/** A Source whose GitHub client is made (secrets read) on the first call, not at start-up. */
function delegatingSource(source: () => Promise<GithubSource>): Source {
  return {
    readFile: async (repository, revision, path) => (await source()).readFile(repository, revision, path),
    changedPaths: async (repository, base, head) => (await source()).changedPaths(repository, base, head),
    commit: async (repository, revision) => (await source()).commit(repository, revision),
    compare: async (repository, base, head) => (await source()).compare(repository, base, head),
    branchHead: async (repository, branch) => (await source()).branchHead(repository, branch),
  };
}

/** A CodeReview whose GitHub client is made (secrets read) on the first call. */
function delegatingCodeReview(review: () => Promise<GithubCodeReview>): CodeReview {
  return {
    pullRequest: async (repository, number) => (await review()).pullRequest(repository, number),
    mergedPullRequests: async (repository, revision) =>
      (await review()).mergedPullRequests(repository, revision),
    commitAuthors: async (repository, number) => (await review()).commitAuthors(repository, number),
    permission: async (repository, login) => (await review()).permission(repository, login),
    reply: async (repository, number, body) => (await review()).reply(repository, number, body),
  };
}

/** A notification channel made on its first use. */
function lazyChannel(name: string, make: () => Promise<NotificationChannel>): NotificationChannel {
  return {
    name,
    deploymentChanged: async (deployment, context, previous) =>
      (await make()).deploymentChanged(deployment, context, previous),
    pullRequestClosed: async (pullRequest) => (await make()).pullRequestClosed?.(pullRequest),
    configurationInvalid: async (problems) => (await make()).configurationInvalid?.(problems),
    stackReleased: async (release) => (await make()).stackReleased?.(release),
  };
}
