import type { HostSecrets } from './host-environment.ts';

/** What `converge dev` takes from the environment, with first-run defaults. */
export interface DevSettings {
  readonly secrets: HostSecrets;
  readonly slackApiUrl?: string;
  readonly slackChannel?: string;
  readonly githubApiUrl?: string;
  readonly cloudEndpoint?: string;
  /** The names of the variables left unset, whose local-only defaults are in use. */
  readonly localDefaults: readonly string[];
}

/** Defaults for a first run on a laptop: not secrets, and printed as such. */
export const LOCAL_ONLY = {
  CONVERGE_GITHUB_WEBHOOK_SECRET: 'local-only-webhook-secret',
  CONVERGE_SLACK_SIGNING_SECRET: 'local-only-slack-signing-secret',
  CONVERGE_SLACK_BOT_TOKEN: 'xoxb-local-only',
  CONVERGE_GITHUB_TOKEN: 'local-only-github-token',
} as const;

/**
 * Settings `converge dev` reads from its environment and hands to the functions itself: it removes
 * them before the functions parse their configuration, so its own values are the ones they use.
 * Each has the same name as the function setting it becomes (one name per setting everywhere).
 */
export const DEV_ONLY_VARIABLES = [
  'CONVERGE_GITHUB_WEBHOOK_SECRET',
  'CONVERGE_SLACK_SIGNING_SECRET',
  'CONVERGE_SLACK_BOT_TOKEN',
  'CONVERGE_GITHUB_TOKEN',
  'CONVERGE_SLACK_API_URL',
  'CONVERGE_SLACK_CHANNEL',
  'CONVERGE_GITHUB_API_URL',
] as const;

/**
 * Reads the dev command's settings from an environment: the webhook secret
 * (`CONVERGE_GITHUB_WEBHOOK_SECRET`), Slack's signing secret (`CONVERGE_SLACK_SIGNING_SECRET`),
 * bot token (`CONVERGE_SLACK_BOT_TOKEN`), API URL (`CONVERGE_SLACK_API_URL`) and channel
 * (`CONVERGE_SLACK_CHANNEL`), GitHub's API URL and token (`CONVERGE_GITHUB_API_URL`,
 * `CONVERGE_GITHUB_TOKEN`) — the names the functions read — and an existing cloud endpoint
 * (`AWS_ENDPOINT_URL`). Unset secrets get local-only defaults, listed in `localDefaults`.
 *
 * @example
 * const settings = devSettings(process.env);
 */
export function devSettings(env: Readonly<Record<string, string | undefined>>): DevSettings {
  const localDefaults: string[] = [];
  const read = (name: keyof typeof LOCAL_ONLY): string => {
    const value = env[name]?.trim();
    if (value) return value;
    localDefaults.push(name);
    return LOCAL_ONLY[name];
  };
  const optional = (name: string) => env[name]?.trim() || undefined;
  const slackApiUrl = optional('CONVERGE_SLACK_API_URL');
  const slackChannel = optional('CONVERGE_SLACK_CHANNEL');
  const githubApiUrl = optional('CONVERGE_GITHUB_API_URL');
  const cloudEndpoint = optional('AWS_ENDPOINT_URL');
  return {
    secrets: {
      webhookSecret: read('CONVERGE_GITHUB_WEBHOOK_SECRET'),
      slackSigningSecret: read('CONVERGE_SLACK_SIGNING_SECRET'),
      slackBotToken: read('CONVERGE_SLACK_BOT_TOKEN'),
      githubToken: read('CONVERGE_GITHUB_TOKEN'),
    },
    ...(slackApiUrl ? { slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/` } : {}),
    ...(slackChannel ? { slackChannel } : {}),
    ...(githubApiUrl ? { githubApiUrl } : {}),
    ...(cloudEndpoint ? { cloudEndpoint } : {}),
    localDefaults,
  };
}

/** `--repo owner/name=PATH` options into a map; throws a message saying what to fix. */
export function parseRepositoryOptions(values: readonly string[]): Record<string, string> {
  const repositories: Record<string, string> = {};
  for (const value of values) {
    const match = /^([\w.-]+\/[\w.-]+)=(\S+)$/.exec(value);
    if (!match) {
      throw new Error(
        `--repo ${JSON.stringify(value)} is not owner/name=PATH; write it like --repo acme/infra=../infra`,
      );
    }
    if (repositories[match[1]!]) throw new Error(`--repo names ${match[1]} twice; give each repository once`);
    repositories[match[1]!] = match[2]!;
  }
  return repositories;
}
