import type { SettingName } from '../../shared/runtime/config.ts';

/** Secrets the host passes to the functions as plain local values. */
export interface HostSecrets {
  readonly webhookSecret: string;
  readonly slackSigningSecret: string;
  readonly slackBotToken: string;
  readonly githubToken: string;
}

/** What the functions are pointed at. */
export interface HostEnvironmentInput {
  readonly region: string;
  /** The local cloud (or another endpoint serving CloudFormation, Cloud Control, S3 and DynamoDB). */
  readonly cloudEndpoint: string;
  /** The host itself: it serves SQS and, when nothing else is named, the console Slack and GitHub. */
  readonly hostUrl: string;
  readonly tableName: string;
  readonly bucket: string;
  readonly queueUrls: { readonly plan: string; readonly execute: string };
  readonly repositories: Readonly<Record<string, string>>;
  readonly slackApiUrl: string;
  readonly slackChannel: string;
  readonly githubApiUrl: string;
  readonly secrets: HostSecrets;
  readonly logLevel: string;
  /** The control-plane policy file the functions read. */
  readonly policyFile: string;
}

/**
 * The environment the host gives the functions: the same variables the CDK app sets on each
 * Lambda function (`shared/runtime/config.ts` names them), plus the SDK's own endpoint variables
 * pointing at the local cloud and the host's SQS. This is the only way the host configures them.
 *
 * @example
 * Object.assign(process.env, hostEnvironment({ region: 'us-east-1', cloudEndpoint, hostUrl, ... }));
 */
export function hostEnvironment(input: HostEnvironmentInput): Record<string, string> {
  const converge: Partial<Record<SettingName, string>> = {
    CONVERGE_TABLE_NAME: input.tableName,
    CONVERGE_PLAN_QUEUE_URL: input.queueUrls.plan,
    CONVERGE_EXECUTE_QUEUE_URL: input.queueUrls.execute,
    CONVERGE_ARTIFACT_BUCKET: input.bucket,
    CONVERGE_GITHUB_API_URL: input.githubApiUrl,
    CONVERGE_SLACK_API_URL: input.slackApiUrl,
    CONVERGE_SLACK_CHANNEL: input.slackChannel,
    CONVERGE_GITHUB_WEBHOOK_SECRET: input.secrets.webhookSecret,
    CONVERGE_SLACK_SIGNING_SECRET: input.secrets.slackSigningSecret,
    CONVERGE_SLACK_BOT_TOKEN: input.secrets.slackBotToken,
    CONVERGE_GITHUB_TOKEN: input.secrets.githubToken,
    CONVERGE_POLICY_FILE: input.policyFile,
    ...(Object.keys(input.repositories).length > 0
      ? {
          CONVERGE_GIT_REPOSITORIES: Object.entries(input.repositories)
            .map(([name, location]) => `${name}=${location}`)
            .join(','),
        }
      : {}),
  };
  return {
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ENDPOINT_URL: input.cloudEndpoint,
    AWS_ENDPOINT_URL_SQS: input.hostUrl,
    // The local cloud accepts any credentials; keep real ones from ever being sent to it.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'converge',
    POWERTOOLS_LOG_LEVEL: input.logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...(converge as Record<string, string>),
  };
}
