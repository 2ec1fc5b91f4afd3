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
