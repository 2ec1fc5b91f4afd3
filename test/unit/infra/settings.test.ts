import { describe, expect, it } from 'vitest';
import { functionSpecs, visibilityTimeoutSeconds } from '../../../infra/function-catalog.ts';
import { InfraSettingsInvalidError, parseInfraSettings } from '../../../infra/settings.ts';

describe('parseInfraSettings', () => {
  it('defaults every setting when the context has none', () => {
    expect(parseInfraSettings({ 'aws:cdk:bundling-stacks': [] })).toMatchObject({
      stackPrefix: 'Converge',
      githubAuth: 'token',
      trackedBranches: ['main'],
      driftSweepIntervalMinutes: 360,
      reconcileIntervalMinutes: 5,
      logRetentionDays: 30,
      logLevel: 'INFO',
      targetRoleArns: [],
      cloudFormationRolePolicies: ['AdministratorAccess'],
      driftReadPolicies: ['ReadOnlyAccess'],
    });
  });

  it('accepts lists as comma-separated strings (the -c form) or arrays (cdk.json)', () => {
    expect(parseInfraSettings({ 'converge:trackedBranches': 'main, release' }).trackedBranches).toEqual([
      'main',
      'release',
    ]);
    expect(parseInfraSettings({ 'converge:trackedBranches': ['main'] }).trackedBranches).toEqual(['main']);
  });

  it('coerces numbers given as strings on the command line', () => {
    expect(parseInfraSettings({ 'converge:driftSweepIntervalMinutes': '60' }).driftSweepIntervalMinutes).toBe(
      60,
    );
  });

  it('passes the drift concurrency to the drift-sweep configuration only when set', () => {
    expect(parseInfraSettings({ 'converge:driftMaxConcurrency': '12' }).driftMaxConcurrency).toBe(12);
    expect(parseInfraSettings({}).driftMaxConcurrency).toBeUndefined();
  });

  it.each([
    ['converge:driftSweepInterval', '60', /unknown context keys converge:driftSweepInterval/],
    ['converge:githubAuth', 'password', /converge:githubAuth/],
    ['converge:driftMaxConcurrency', '0', /converge:driftMaxConcurrency/],
    ['converge:logRetentionDays', '31', /converge:logRetentionDays: must be one of 1, 3, 5/],
    ['converge:targetRoleArns', 'arn:aws:iam::1:role/x', /must be IAM role ARNs/],
    ['converge:alarmEmail', 'ops', /converge:alarmEmail/],
  ])('rejects %s=%s and says why', (key, value, message) => {
    expect(() => parseInfraSettings({ [key]: value })).toThrow(InfraSettingsInvalidError);
    expect(() => parseInfraSettings({ [key]: value })).toThrow(message);
  });
});

describe('functionSpecs', () => {
  it('resolves the GitHub credential to the App private key or the token', () => {
    const secretsOf = (auth: 'app' | 'token') =>
      functionSpecs(auth).find((spec) => spec.name === 'webhook')?.secrets;
    expect(secretsOf('app')).toEqual(['githubWebhookSecret', 'githubPrivateKey', 'slackBotToken']);
    expect(secretsOf('token')).toEqual(['githubWebhookSecret', 'githubToken', 'slackBotToken']);
  });

  it('keeps each queue visibility timeout at six times its consumer timeout', () => {
    const timeout = (name: string) => functionSpecs('app').find((spec) => spec.name === name)!.timeoutSeconds;
    expect(visibilityTimeoutSeconds('plan')).toBe(6 * timeout('plan'));
    expect(visibilityTimeoutSeconds('execute')).toBe(6 * timeout('execute'));
  });

  it('answers GitHub within its 10-second delivery timeout', () => {
    expect(functionSpecs('app').find((spec) => spec.name === 'webhook')!.timeoutSeconds).toBeLessThanOrEqual(
      10,
    );
  });
});
