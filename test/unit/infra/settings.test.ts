import { describe, expect, it } from 'vitest';
import { functionSpecs, visibilityTimeoutSeconds } from '../../../infra/function-catalog.ts';
import { InfraSettingsInvalidError, parseInfraSettings } from '../../../infra/settings.ts';

const POLICY = { 'converge:policyFile': 'policy.yaml' };

describe('parseInfraSettings', () => {
  it('defaults every setting but the policy file when the context has none', () => {
    expect(parseInfraSettings({ 'aws:cdk:bundling-stacks': [], ...POLICY })).toMatchObject({
      policyFile: 'policy.yaml',
      stackPrefix: 'Converge',
      githubAuth: 'token',
      driftSweepIntervalMinutes: 360,
      reconcileIntervalMinutes: 5,
      gitPollIntervalMinutes: 5,
      logRetentionDays: 30,
      logLevel: 'INFO',
      cloudFormationRolePolicies: ['AdministratorAccess'],
      driftReadActions: [],
      driftReadPolicies: [],
    });
  });

  it.each([
    [{}, /converge:policyFile: is required: the path of the control-plane policy file/],
    [{ 'converge:policyFile': ' ' }, /converge:policyFile: must name the control-plane policy file/],
  ])('requires converge:policyFile and names the key (%j)', (context, message) => {
    expect(() => parseInfraSettings(context)).toThrow(InfraSettingsInvalidError);
    expect(() => parseInfraSettings(context)).toThrow(message);
  });

  it('accepts lists as comma-separated strings (the -c form) or arrays (cdk.json)', () => {
    const actions = (value: unknown) =>
      parseInfraSettings({ ...POLICY, 'converge:driftReadActions': value }).driftReadActions;
    expect(actions('sqs:GetQueueAttributes, ssm:GetParameters')).toEqual([
      'sqs:GetQueueAttributes',
      'ssm:GetParameters',
    ]);
    expect(actions(['sqs:GetQueueAttributes'])).toEqual(['sqs:GetQueueAttributes']);
  });

  it('coerces numbers given as strings on the command line', () => {
    expect(
      parseInfraSettings({ ...POLICY, 'converge:driftSweepIntervalMinutes': '60' }).driftSweepIntervalMinutes,
    ).toBe(60);
  });

  it('passes the drift concurrency to the drift-sweep configuration only when set', () => {
    expect(parseInfraSettings({ ...POLICY, 'converge:driftMaxConcurrency': '12' }).driftMaxConcurrency).toBe(
      12,
    );
    expect(parseInfraSettings(POLICY).driftMaxConcurrency).toBeUndefined();
  });

  it.each([
    ['converge:driftSweepInterval', '60', /unknown context keys converge:driftSweepInterval/],
    ['converge:githubAuth', 'password', /converge:githubAuth/],
    ['converge:driftMaxConcurrency', '0', /converge:driftMaxConcurrency/],
    ['converge:logRetentionDays', '31', /converge:logRetentionDays: must be one of 1, 3, 5/],
    ['converge:driftReadActions', 's3:*', /must be IAM actions without wildcards/],
    ['converge:trackedBranches', 'main', /unknown context keys converge:trackedBranches/],
    ['converge:targetRoleArns', 'arn:aws:iam::1:role/x', /unknown context keys converge:targetRoleArns/],
    ['converge:alarmEmail', 'ops', /converge:alarmEmail/],
  ])('rejects %s=%s and says why', (key, value, message) => {
    expect(() => parseInfraSettings({ ...POLICY, [key]: value })).toThrow(InfraSettingsInvalidError);
    expect(() => parseInfraSettings({ ...POLICY, [key]: value })).toThrow(message);
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
