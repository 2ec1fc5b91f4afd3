import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOctokit } from '../../../shared/adapters/github/create-octokit.ts';
import { ConfigInvalidError, parseConfig } from '../../../shared/runtime/config.ts';
import { githubAuth } from '../../../shared/runtime/github-auth.ts';
import { createSecrets } from '../../../shared/runtime/secrets.ts';

const MINIMAL = {
  AWS_REGION: 'eu-west-1',
  CONVERGE_TABLE_NAME: 'converge',
  CONVERGE_PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/plan.fifo',
  CONVERGE_EXECUTE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/execute.fifo',
  CONVERGE_ARTIFACT_BUCKET: 'converge-artifacts',
};
const KEY_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:converge-github-app-AbCdEf';
const { privateKey: PEM } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const APP = {
  ...MINIMAL,
  CONVERGE_GITHUB_APP_ID: '123456',
  CONVERGE_GITHUB_INSTALLATION_ID: '987654',
  CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN: KEY_ARN,
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigInvalidError) return error.problems;
    throw error;
  }
  throw new Error('expected ConfigInvalidError');
}

/** A Secrets Manager that holds one secret, counting its reads. */
function secretsManager(values: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    send: async (command: { input: { SecretId?: string } }) => {
      const id = command.input.SecretId ?? '';
      reads.push(id);
      return { SecretString: values[id] };
    },
  };
}

describe('GitHub App settings', () => {
  it('accepts an App id with its installation id and private key', () => {
    const config = parseConfig(APP);
    expect(config.github).toMatchObject({ appId: '123456', installationId: '987654' });
    expect(config.secrets.githubPrivateKey).toEqual({ arn: KEY_ARN });
  });

  it.each([
    {
      what: 'an App id without an installation id',
      env: { ...APP, CONVERGE_GITHUB_INSTALLATION_ID: undefined },
      problem: /CONVERGE_GITHUB_APP_ID is set without CONVERGE_GITHUB_INSTALLATION_ID/,
    },
    {
      what: 'an App id without a private key',
      env: { ...APP, CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN: undefined },
      problem: /without the App private key: set CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN/,
    },
    {
      what: 'an installation id without an App id',
      env: { ...MINIMAL, CONVERGE_GITHUB_INSTALLATION_ID: '987654', CONVERGE_GITHUB_TOKEN: 'ghp_x' },
      problem: /CONVERGE_GITHUB_INSTALLATION_ID is set without CONVERGE_GITHUB_APP_ID/,
    },
    {
      what: 'a private key without an App id',
      env: { ...MINIMAL, CONVERGE_GITHUB_PRIVATE_KEY: 'pem' },
      problem: /a GitHub App private key is set without CONVERGE_GITHUB_APP_ID/,
    },
    {
      what: 'an App and a token at once',
      env: { ...APP, CONVERGE_GITHUB_TOKEN: 'ghp_x' },
      problem: /CONVERGE_GITHUB_APP_ID and a GitHub token are both set/,
    },
  ])('refuses $what, naming the missing or extra piece', ({ env, problem }) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('does not put the private key in the error', () => {
    const problems = problemsOf({ ...MINIMAL, CONVERGE_GITHUB_PRIVATE_KEY: PEM });
    expect(problems.join('\n')).not.toContain('PRIVATE KEY-----');
  });
});

describe('githubAuth', () => {
  it('authenticates as the App installation, with the private key read from its secret', async () => {
    const config = parseConfig(APP);
    const client = secretsManager({ [KEY_ARN]: PEM });
    const auth = await githubAuth(config, createSecrets(config, { client }));
    expect(auth).toEqual({ type: 'app', appId: '123456', installationId: '987654', privateKey: PEM });
    expect(client.reads).toEqual([KEY_ARN]);
  });

  it('uses the token when no App is configured', async () => {
    const config = parseConfig({ ...MINIMAL, CONVERGE_GITHUB_TOKEN: 'ghp_local' });
    expect(await githubAuth(config, createSecrets(config))).toEqual({ type: 'token', token: 'ghp_local' });
  });

  it('gives an Octokit that signs App JWTs with the configured App id', async () => {
    const config = parseConfig({
      ...APP,
      CONVERGE_GITHUB_PRIVATE_KEY_SECRET_ARN: undefined,
      CONVERGE_GITHUB_PRIVATE_KEY: PEM,
    });
    const octokit = createOctokit({ auth: await githubAuth(config, createSecrets(config)) });
    const { token } = (await octokit.auth({ type: 'app' })) as { token: string };
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(String(payload.iss)).toBe('123456');
  });
});
