import * as z from 'zod';
import { nearestKey } from '../domain/config/nearest-key.ts';
import { githubAuthProblems } from './github-auth.ts';
import { registerSecretValue } from './redaction.ts';

/**
 * Where a secret comes from: a Secrets Manager secret (in AWS) or a plain value (locally).
 * Read it through `secrets.ts`, which caches Secrets Manager reads.
 */
export type SecretSource = { readonly arn: string } | { readonly value: string };

/** The secrets Converge uses, by name. */
export const SecretName = {
  GITHUB_WEBHOOK_SECRET: 'githubWebhookSecret',
  GITHUB_TOKEN: 'githubToken',
  GITHUB_PRIVATE_KEY: 'githubPrivateKey',
  SLACK_SIGNING_SECRET: 'slackSigningSecret',
  SLACK_BOT_TOKEN: 'slackBotToken',
} as const;
export type SecretName = (typeof SecretName)[keyof typeof SecretName];

/** The runtime configuration, parsed once from the environment at cold start. */
export interface Config {
  readonly region: string;
  /** Powertools service name; one for all functions so metric dimensions line up. */
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  readonly tableName: string;
  readonly planQueueUrl: string;
  readonly executeQueueUrl: string;
  /** Where templates over 51,200 bytes are uploaded, under {@link Config.artifactPrefix}. */
  readonly artifactBucket: string;
  readonly artifactPrefix: string;
  /** CloudFormation service role passed as `RoleARN`, so functions never hold resource permissions. */
  readonly cloudFormationRoleArn?: string;
  readonly github: {
    readonly apiUrl: string;
    /** With `installationId` and the `githubPrivateKey` secret: authenticate as this GitHub App. */
    readonly appId?: string;
    /** The App's installation on the repositories Converge deploys from. */
    readonly installationId?: string;
  };
  readonly slack: { readonly apiUrl: string; readonly channel?: string };
  /**
   * Repositories read with `git` instead of the GitHub API, by name (`owner/name` → a local path
   * or a git URL); empty reads every repository through GitHub.
   */
  readonly gitRepositories: Readonly<Record<string, string>>;
  /** Drift detections a sweep runs at once (CloudFormation limits concurrent detections). */
  readonly driftMaxConcurrency: number;
  /**
   * How long reconcile waits before it executes a change set still AVAILABLE under an EXECUTING
   * deployment (its execute function died before ExecuteChangeSet).
   */
  readonly executionGraceSeconds: number;
  /**
   * The control-plane policy file (see `loadPolicy`); absent means nothing is served. It says
   * which repositories are served and which of their branches deploy.
   */
  readonly policyFile?: string;
  /** Each secret that is configured, by name; an absent one is not used by this deployment. */
  readonly secrets: Readonly<Partial<Record<SecretName, SecretSource>>>;
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The configuration is missing or malformed; the message lists every problem at once. */
export class ConfigInvalidError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Converge configuration is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigInvalidError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = z.string().trim().min(1);
const url = z.url({ protocol: /^https?$/ });
const list = z
  .string()
  .transform((s) => s.split(',').map((item) => item.trim()))
  .transform((items) => items.filter((item) => item.length > 0));
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, 'must be an ARN');

interface Setting {
  readonly schema: z.ZodType;
  readonly hint: string;
  readonly required?: boolean;
}

/** Every `CONVERGE_*` key Converge reads; any other `CONVERGE_*` key is rejected as a typo. */
const SETTINGS = {
  CONVERGE_TABLE_NAME: { schema: nonEmpty, hint: 'the DynamoDB table name', required: true },
  CONVERGE_PLAN_QUEUE_URL: { schema: url, hint: 'the URL of the plan.fifo queue', required: true },
  CONVERGE_EXECUTE_QUEUE_URL: { schema: url, hint: 'the URL of the execute.fifo queue', required: true },
  CONVERGE_ARTIFACT_BUCKET: { schema: nonEmpty, hint: 'the artifact bucket name', required: true },
  CONVERGE_ARTIFACT_PREFIX: { schema: nonEmpty, hint: 'a key prefix such as templates/' },
  CONVERGE_CFN_ROLE_ARN: { schema: arn, hint: 'the CloudFormation service role ARN' },
  CONVERGE_GITHUB_API_URL: { schema: url, hint: 'e.g. https://api.github.com' },
  CONVERGE_GITHUB_APP_ID: { schema: z.string().regex(/^\d+$/, 'must be digits'), hint: 'the numeric App id' },
  CONVERGE_GITHUB_INSTALLATION_ID: {
    schema: z.string().regex(/^\d+$/, 'must be digits'),
    hint: 'the numeric id of the App installation',
  },
  CONVERGE_GIT_REPOSITORIES: {
    schema: list.pipe(
      z.array(
        z
          .string()
          .regex(/^[\w.-]+\/[\w.-]+=\S+$/, 'each entry must be owner/name=location')
          .transform((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
      ),
    ),
    hint: 'comma-separated owner/name=location, the location a local path or a git URL',
  },
  CONVERGE_SLACK_API_URL: { schema: url, hint: 'e.g. https://slack.com/api/' },
  CONVERGE_SLACK_CHANNEL: { schema: nonEmpty, hint: 'the channel id for approval requests' },
  CONVERGE_DRIFT_MAX_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(100),
    hint: 'a whole number of detections between 1 and 100',
  },
  CONVERGE_EXECUTION_GRACE_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600),
    hint: 'whole seconds between 1 and 3600',
  },
  CONVERGE_POLICY_FILE: {
    schema: nonEmpty,
    hint: 'the path of the control-plane policy file (docs/policy.md)',
  },
  CONVERGE_GITHUB_WEBHOOK_SECRET_ARN: { schema: arn, hint: 'a Secrets Manager secret ARN' },
  CONVERGE_GITHUB_WEBHOOK_SECRET: { schema: nonEmpty, hint: 'the webhook secret (local use)' },
  CONVERGE_GITHUB_TOKEN_SECRET_ARN: { schema: arn, hint: 'a Secrets Manager secret ARN' },
  CONVERGE_GITHUB_TOKEN: { schema: nonEmpty, hint: 'a GitHub token (local use)' },
  CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN: { schema: arn, hint: 'a Secrets Manager secret ARN' },
  CONVERGE_GITHUB_PRIVATE_KEY: { schema: nonEmpty, hint: 'the App private key in PEM (local use)' },
  CONVERGE_SLACK_SIGNING_SECRET_ARN: { schema: arn, hint: 'a Secrets Manager secret ARN' },
  CONVERGE_SLACK_SIGNING_SECRET: { schema: nonEmpty, hint: 'the Slack signing secret (local use)' },
  CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN: { schema: arn, hint: 'a Secrets Manager secret ARN' },
  CONVERGE_SLACK_BOT_TOKEN: { schema: nonEmpty, hint: 'a Slack bot token (local use)' },
} as const satisfies Record<string, Setting>;

/** Settings Converge no longer reads, with what replaced them, so an old environment fails with a pointer. */
const RETIRED_SETTINGS: Readonly<Record<string, string>> = {
  CONVERGE_TRACKED_BRANCHES: 'the branches that deploy are listed per repository in the control-plane policy',
  CONVERGE_GITHUB_REPOSITORIES: 'the repositories served are listed in the control-plane policy',
  CONVERGE_TARGET_ROLE_ARNS: 'Converge deploys into the account it runs in',
  CONVERGE_APPROVAL_TTL_SECONDS:
    'how long approval requests stay open is approval.ttl in the control-plane policy',
};

/** The environment variable names Converge reads (for the CDK app and the local host). */
export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as readonly SettingName[];

/** For each secret, the setting carrying its ARN (AWS) and the one carrying a plain value (local). */
export const SECRET_SETTINGS: Readonly<Record<SecretName, { arn: SettingName; value: SettingName }>> = {
  githubWebhookSecret: { arn: 'CONVERGE_GITHUB_WEBHOOK_SECRET_ARN', value: 'CONVERGE_GITHUB_WEBHOOK_SECRET' },
  githubToken: { arn: 'CONVERGE_GITHUB_TOKEN_SECRET_ARN', value: 'CONVERGE_GITHUB_TOKEN' },
  githubPrivateKey: { arn: 'CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN', value: 'CONVERGE_GITHUB_PRIVATE_KEY' },
  slackSigningSecret: { arn: 'CONVERGE_SLACK_SIGNING_SECRET_ARN', value: 'CONVERGE_SLACK_SIGNING_SECRET' },
  slackBotToken: { arn: 'CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN', value: 'CONVERGE_SLACK_BOT_TOKEN' },
};

const DEFAULT_DRIFT_MAX_CONCURRENCY = 5;
/** Five minutes: far longer than the execute function takes from the EXECUTING write to ExecuteChangeSet. */
const DEFAULT_EXECUTION_GRACE_SECONDS = 300;

/**
 * Parses and validates an environment into a {@link Config}. Pure: pass any record.
 * Throws {@link ConfigInvalidError} naming every missing, malformed or unknown key.
 *
 * @example
 * const config = parseConfig({ AWS_REGION: 'eu-west-1', CONVERGE_TABLE_NAME: 'converge', ... });
 */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};

  // Unknown CONVERGE_* keys are typos until proven otherwise.
  for (const key of Object.keys(env)) {
    if (Object.hasOwn(RETIRED_SETTINGS, key)) {
      problems.push(`${key} is not a Converge setting: ${RETIRED_SETTINGS[key]}; remove it`);
    } else if (key.startsWith('CONVERGE_') && !Object.hasOwn(SETTINGS, key)) {
      const near = nearestKey(key, SETTING_NAMES);
      problems.push(`${key} is not a Converge setting${near ? ` (did you mean ${near}?)` : ''}; remove it`);
    }
  }
  // Each known key: required ones present, present ones well-formed.
  for (const name of SETTING_NAMES) {
    const setting: Setting = SETTINGS[name];
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (setting.required) problems.push(`${name} is missing: set it to ${setting.hint}`);
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${name} is invalid (${describe(parsed.error)}): set it to ${setting.hint}`);
  }
  // A secret comes from one place: an ARN or a local value, not both.
  const secrets: Partial<Record<SecretName, SecretSource>> = {};
  for (const [secret, keys] of Object.entries(SECRET_SETTINGS) as [
    SecretName,
    (typeof SECRET_SETTINGS)[SecretName],
  ][]) {
    const fromArn = values[keys.arn] as string | undefined;
    const fromValue = values[keys.value] as string | undefined;
    if (fromArn && fromValue) problems.push(`${keys.arn} and ${keys.value} are both set: keep only one`);
    else if (fromArn) secrets[secret] = { arn: fromArn };
    else if (fromValue) {
      registerSecretValue(fromValue);
      secrets[secret] = { value: fromValue };
    }
  }
  // GitHub auth: an App is whole (id, installation, private key) and excludes a token.
  problems.push(
    ...githubAuthProblems({
      appId: values.CONVERGE_GITHUB_APP_ID as string | undefined,
      installationId: values.CONVERGE_GITHUB_INSTALLATION_ID as string | undefined,
      secrets,
    }),
  );
  const logLevel = (env.POWERTOOLS_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`POWERTOOLS_LOG_LEVEL is invalid: use one of ${LOG_LEVELS.join(', ')}`);
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) problems.push('AWS_REGION is missing: set it to the region Converge runs in, e.g. eu-west-1');
  if (problems.length > 0) throw new ConfigInvalidError(problems);

  const v = values as Record<SettingName, never>;
  return {
    region: region!,
    serviceName: env.POWERTOOLS_SERVICE_NAME || 'converge',
    logLevel: logLevel as LogLevel,
    tableName: v.CONVERGE_TABLE_NAME,
    planQueueUrl: v.CONVERGE_PLAN_QUEUE_URL,
    executeQueueUrl: v.CONVERGE_EXECUTE_QUEUE_URL,
    artifactBucket: v.CONVERGE_ARTIFACT_BUCKET,
    artifactPrefix: v.CONVERGE_ARTIFACT_PREFIX ?? 'templates/',
    ...(v.CONVERGE_CFN_ROLE_ARN ? { cloudFormationRoleArn: v.CONVERGE_CFN_ROLE_ARN } : {}),
    github: {
      apiUrl: v.CONVERGE_GITHUB_API_URL ?? 'https://api.github.com',
      ...(v.CONVERGE_GITHUB_APP_ID ? { appId: v.CONVERGE_GITHUB_APP_ID } : {}),
      ...(v.CONVERGE_GITHUB_INSTALLATION_ID ? { installationId: v.CONVERGE_GITHUB_INSTALLATION_ID } : {}),
    },
    slack: {
      apiUrl: v.CONVERGE_SLACK_API_URL ?? 'https://slack.com/api/',
      ...(v.CONVERGE_SLACK_CHANNEL ? { channel: v.CONVERGE_SLACK_CHANNEL } : {}),
    },
    gitRepositories: Object.fromEntries(v.CONVERGE_GIT_REPOSITORIES ?? []),
    driftMaxConcurrency: v.CONVERGE_DRIFT_MAX_CONCURRENCY ?? DEFAULT_DRIFT_MAX_CONCURRENCY,
    executionGraceSeconds: v.CONVERGE_EXECUTION_GRACE_SECONDS ?? DEFAULT_EXECUTION_GRACE_SECONDS,
    ...(v.CONVERGE_POLICY_FILE ? { policyFile: v.CONVERGE_POLICY_FILE } : {}),
    secrets,
  };
}

let loaded: Config | undefined;

/**
 * The configuration of this process, parsed from `process.env` on first use and cached for
 * the life of the execution environment. The only place Converge reads `process.env`.
 */
export function config(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('; ');
}
