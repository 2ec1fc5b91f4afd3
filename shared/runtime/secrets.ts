import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { Config } from './config.ts';
import { registerSecretValue } from './redaction.ts';
import type { SecretName } from './secret-name.ts';

/** A secret Converge needs is not configured (no `_SECRET_ARN` and no local value). */
export class SecretNotConfiguredError extends Error {
  readonly secret: SecretName;
  constructor(secret: SecretName) {
    super(
      `The secret "${secret}" is not configured: set its CONVERGE_*_SECRET_ARN (in AWS) or its plain CONVERGE_* value (locally)`,
    );
    this.name = 'SecretNotConfiguredError';
    this.secret = secret;
  }
}

/** Secrets Manager returned no string for a secret (binary, empty, or not yet set). */
export class SecretValueMissingError extends Error {
  constructor(secret: SecretName) {
    super(
      `The secret "${secret}" has no SecretString: store the value as a string in Secrets Manager (binary secrets are not read)`,
    );
    this.name = 'SecretValueMissingError';
  }
}

/** The part of the Secrets Manager client that {@link Secrets} uses (so tests pass a small fake). */
export interface SecretsManagerLike {
  send(command: GetSecretValueCommand): Promise<{ SecretString?: string }>;
}

/** Options of {@link createSecrets}. */
export interface SecretsOptions {
  /** Defaults to a real client (its endpoint follows `AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
  readonly client?: SecretsManagerLike;
  /** Re-read a cached secret after this long, so rotations arrive; default 15 minutes. */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** Reads secrets by name; each is fetched once and cached for `maxAgeMs`. */
export interface Secrets {
  get(name: SecretName): Promise<string>;
  /** Whether the secret is configured at all (e.g. the App key versus a token). */
  has(name: SecretName): boolean;
}

const DEFAULT_MAX_AGE_MS = 15 * 60_000;

/**
 * Secrets for one execution environment: plain local values from the config, or Secrets
 * Manager reads cached across invocations. Every value read is registered for redaction,
 * so it cannot appear in logs even if something logs it by mistake.
 *
 * @example
 * const secrets = createSecrets(config());
 * const webhookSecret = await secrets.get(SecretName.GITHUB_WEBHOOK_SECRET);
 */
export function createSecrets(
  config: Pick<Config, 'region' | 'secrets'>,
  options: SecretsOptions = {},
): Secrets {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let client = options.client;
  const cache = new Map<SecretName, { value: Promise<string>; at: number }>();

  async function fetchSecret(name: SecretName, secretId: string): Promise<string> {
    // Loaded on the first read from Secrets Manager, never at import: local values need no SDK.
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    client ??= new SecretsManagerClient({ region: config.region });
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!output.SecretString) throw new SecretValueMissingError(name);
    registerSecretValue(output.SecretString);
    return output.SecretString;
  }

  return {
    has: (name) => config.secrets[name] !== undefined,
    async get(name) {
      const source = config.secrets[name];
      if (!source) throw new SecretNotConfiguredError(name);
      if ('value' in source) return source.value;
      const cached = cache.get(name);
      if (cached && now() - cached.at < maxAgeMs) return cached.value;
      // Cache the promise so concurrent first reads make one call; forget it if it fails.
      const value = fetchSecret(name, source.arn);
      cache.set(name, { value, at: now() });
      value.catch(() => cache.delete(name));
      return value;
    },
  };
}
