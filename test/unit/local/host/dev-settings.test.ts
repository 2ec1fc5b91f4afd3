import { describe, expect, it } from 'vitest';
import { devSettings, parseRepositoryOptions } from '../../../../local/host/dev-settings.ts';

describe('devSettings', () => {
  it('uses local-only defaults for unset secrets and names them', () => {
    const settings = devSettings({});
    expect(settings.localDefaults).toEqual([
      'CONVERGE_GITHUB_WEBHOOK_SECRET',
      'CONVERGE_SLACK_SIGNING_SECRET',
      'CONVERGE_SLACK_BOT_TOKEN',
      'CONVERGE_GITHUB_TOKEN',
    ]);
    expect(Object.values(settings.secrets).every((value) => value.includes('local-only'))).toBe(true);
    expect(settings.slackApiUrl).toBeUndefined();
  });

  it('reads secrets, the Slack API URL (with its trailing slash) and an existing cloud endpoint', () => {
    const settings = devSettings({
      CONVERGE_GITHUB_WEBHOOK_SECRET: 'hook',
      CONVERGE_SLACK_SIGNING_SECRET: 'sign',
      CONVERGE_SLACK_BOT_TOKEN: 'xoxb-1',
      CONVERGE_GITHUB_TOKEN: 'ghp_1',
      CONVERGE_SLACK_API_URL: 'http://127.0.0.1:9000/api',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });
    expect(settings.secrets).toEqual({
      webhookSecret: 'hook',
      slackSigningSecret: 'sign',
      slackBotToken: 'xoxb-1',
      githubToken: 'ghp_1',
    });
    expect(settings.slackApiUrl).toBe('http://127.0.0.1:9000/api/');
    expect(settings.cloudEndpoint).toBe('http://127.0.0.1:4566');
    expect(settings.localDefaults).toEqual([]);
  });
});

describe('parseRepositoryOptions', () => {
  it('maps owner/name to a path or URL', () => {
    expect(
      parseRepositoryOptions(['acme/infra=../infra', 'acme/net=https://git.example.com/net.git']),
    ).toEqual({
      'acme/infra': '../infra',
      'acme/net': 'https://git.example.com/net.git',
    });
  });

  it.each([['acme/infra'], ['infra=../infra'], ['acme/infra='], ['acme/in fra=../x']])(
    'refuses %s and says how to write it',
    (value) => {
      expect(() => parseRepositoryOptions([value])).toThrow(/owner\/name=PATH/);
    },
  );

  it('refuses a repository named twice', () => {
    expect(() => parseRepositoryOptions(['acme/infra=a', 'acme/infra=b'])).toThrow(/twice/);
  });
});
