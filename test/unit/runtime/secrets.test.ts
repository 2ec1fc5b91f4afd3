import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { SecretSource } from '../../../shared/runtime/config.ts';
import {
  createSecrets,
  SecretNotConfiguredError,
  SecretValueMissingError,
} from '../../../shared/runtime/secrets.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf';

/** A Secrets Manager stand-in that records which secret ids were read. */
function fakeClient(values: Record<string, string | undefined>) {
  const reads: string[] = [];
  return {
    reads,
    async send(command: GetSecretValueCommand) {
      const id = command.input.SecretId!;
      reads.push(id);
      return { SecretString: values[id] };
    },
  };
}

function configWith(secrets: Record<string, SecretSource>) {
  return { region: 'eu-west-1', secrets };
}

describe('createSecrets', () => {
  it('reads a Secrets Manager secret once and serves it from the cache afterwards', async () => {
    const client = fakeClient({ [ARN]: 'from-secrets-manager' });
    const secrets = createSecrets(configWith({ githubWebhookSecret: { arn: ARN } }), { client });
    const values = await Promise.all([
      secrets.get('githubWebhookSecret'),
      secrets.get('githubWebhookSecret'),
    ]);
    expect(values).toEqual(['from-secrets-manager', 'from-secrets-manager']);
    expect(await secrets.get('githubWebhookSecret')).toBe('from-secrets-manager');
    expect(client.reads).toEqual([ARN]);
  });

  it('reads again once the cached value is older than maxAgeMs', async () => {
    let now = 0;
    const client = fakeClient({ [ARN]: 'v' });
    const secrets = createSecrets(configWith({ githubWebhookSecret: { arn: ARN } }), {
      client,
      maxAgeMs: 1000,
      now: () => now,
    });
    await secrets.get('githubWebhookSecret');
    now = 1001;
    await secrets.get('githubWebhookSecret');
    expect(client.reads).toHaveLength(2);
  });

  it('returns a local value without calling Secrets Manager', async () => {
    const client = fakeClient({});
    const secrets = createSecrets(configWith({ slackSigningSecret: { value: 'local' } }), { client });
    expect(await secrets.get('slackSigningSecret')).toBe('local');
    expect(client.reads).toEqual([]);
  });

  it('says which secret is not configured and how to configure it', async () => {
    const secrets = createSecrets(configWith({}), { client: fakeClient({}) });
    expect(secrets.has('slackBotToken')).toBe(false);
    await expect(secrets.get('slackBotToken')).rejects.toThrow(SecretNotConfiguredError);
    await expect(secrets.get('slackBotToken')).rejects.toThrow(/CONVERGE_\*_SECRET_ARN/);
  });

  it('rejects a secret without a string value and reads it again next time', async () => {
    const client = fakeClient({ [ARN]: undefined });
    const secrets = createSecrets(configWith({ githubToken: { arn: ARN } }), { client });
    await expect(secrets.get('githubToken')).rejects.toThrow(SecretValueMissingError);
    await expect(secrets.get('githubToken')).rejects.toThrow(SecretValueMissingError);
    expect(client.reads).toHaveLength(2);
  });
});
