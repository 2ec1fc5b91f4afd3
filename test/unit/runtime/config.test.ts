import { describe, expect, it } from 'vitest';
import { ConfigInvalidError, parseConfig } from '../../../shared/runtime/config.ts';

const MINIMAL = {
  AWS_REGION: 'eu-west-1',
  CONVERGE_TABLE_NAME: 'converge',
  CONVERGE_PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/plan.fifo',
  CONVERGE_EXECUTE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/execute.fifo',
  CONVERGE_ARTIFACT_BUCKET: 'converge-artifacts',
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

describe('parseConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = parseConfig(MINIMAL);
    expect(config).toMatchObject({
      region: 'eu-west-1',
      serviceName: 'converge',
      logLevel: 'INFO',
      tableName: 'converge',
      artifactPrefix: 'templates/',
      github: { apiUrl: 'https://api.github.com' },
      slack: { apiUrl: 'https://slack.com/api/' },
      secrets: {},
    });
  });

  it('parses lists, numbers and secret sources', () => {
    const config = parseConfig({
      ...MINIMAL,
      CONVERGE_DRIFT_MAX_CONCURRENCY: '7',
      CONVERGE_GITHUB_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf',
      CONVERGE_SLACK_SIGNING_SECRET: 'local-signing-secret',
    });
    expect(config.driftMaxConcurrency).toBe(7);
    expect(config.secrets.githubWebhookSecret).toEqual({
      arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf',
    });
    expect(config.secrets.slackSigningSecret).toEqual({ value: 'local-signing-secret' });
  });

  it('maps repositories read with git to their locations', () => {
    const config = parseConfig({
      ...MINIMAL,
      CONVERGE_GIT_REPOSITORIES: 'acme/infra=/srv/git/infra, acme/net=https://git.example.com/net.git',
    });
    expect(config.gitRepositories).toEqual({
      'acme/infra': '/srv/git/infra',
      'acme/net': 'https://git.example.com/net.git',
    });
  });

  it('names every missing required key', () => {
    const problems = problemsOf({ AWS_REGION: 'eu-west-1' });
    expect(problems).toHaveLength(4);
    for (const key of [
      'CONVERGE_TABLE_NAME',
      'CONVERGE_PLAN_QUEUE_URL',
      'CONVERGE_EXECUTE_QUEUE_URL',
      'CONVERGE_ARTIFACT_BUCKET',
    ]) {
      expect(problems.some((p) => p.startsWith(`${key} is missing`))).toBe(true);
    }
  });

  it('rejects an unknown CONVERGE_ key and suggests the near one', () => {
    expect(problemsOf({ ...MINIMAL, CONVERGE_TABEL_NAME: 'x' })).toEqual([
      'CONVERGE_TABEL_NAME is not a Converge setting (did you mean CONVERGE_TABLE_NAME?); remove it',
    ]);
  });

  it.each([
    ['CONVERGE_TRACKED_BRANCHES', 'main'],
    ['CONVERGE_GITHUB_REPOSITORIES', 'acme/infra'],
    ['CONVERGE_TARGET_ROLE_ARNS', 'arn:aws:iam::210987654321:role/converge-target'],
    ['CONVERGE_APPROVAL_TTL_SECONDS', '3600'],
  ])('rejects the retired %s and says what replaced it', (key, value) => {
    expect(problemsOf({ ...MINIMAL, [key]: value })).toEqual([
      expect.stringMatching(new RegExp(`^${key} is not a Converge setting: .*; remove it$`)),
    ]);
  });

  it('ignores variables outside the CONVERGE_ prefix', () => {
    expect(
      parseConfig({ ...MINIMAL, PATH: '/usr/bin', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).tableName,
    ).toBe('converge');
  });

  it.each([
    ['CONVERGE_PLAN_QUEUE_URL', 'not a url'],
    ['CONVERGE_DRIFT_MAX_CONCURRENCY', '0'],
    ['CONVERGE_EXECUTION_GRACE_SECONDS', 'a day'],
    ['CONVERGE_CFN_ROLE_ARN', 'converge-role'],
    ['CONVERGE_GITHUB_APP_ID', 'my-app'],
    ['CONVERGE_GIT_REPOSITORIES', 'acme/infra'],
  ])('rejects a malformed %s (%s)', (key, value) => {
    const problems = problemsOf({ ...MINIMAL, [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${key} is invalid .*: set it to `));
  });

  it('rejects a secret given both as an ARN and as a value', () => {
    expect(
      problemsOf({
        ...MINIMAL,
        CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN:
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bot-AbCdEf',
        CONVERGE_SLACK_BOT_TOKEN: 'xoxb-local',
      }),
    ).toEqual([
      'CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN and CONVERGE_SLACK_BOT_TOKEN are both set: keep only one',
    ]);
  });

  it('rejects an unknown log level and a missing region', () => {
    const { AWS_REGION: _, ...noRegion } = MINIMAL;
    const problems = problemsOf({ ...noRegion, POWERTOOLS_LOG_LEVEL: 'LOUD' });
    expect(problems).toEqual([
      expect.stringMatching(/^POWERTOOLS_LOG_LEVEL is invalid/),
      expect.stringMatching(/^AWS_REGION is missing/),
    ]);
  });

  it('lists all problems in the error message', () => {
    expect(() => parseConfig({})).toThrow(/CONVERGE_TABLE_NAME is missing[\s\S]*AWS_REGION is missing/);
  });
});
