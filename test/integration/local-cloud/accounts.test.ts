import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { AssumedRoleCredentials } from '../../../shared/adapters/aws/assumed-role-credentials.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import type { StackRef } from '../../../shared/domain/deployment/deployment.ts';
import { TargetAccountRefusedError } from '../../../shared/ports/stacks.ts';

const REGION = 'us-east-1';
const A = '111111111111';
const B = '222222222222';
const ROLE_A = `arn:aws:iam::${A}:role/converge-deploy`;
const ROLE_B = `arn:aws:iam::${B}:role/converge-deploy`;
const CONVERGE = { accessKeyId: 'converge', secretAccessKey: 'local' };
const TEMPLATE = (value: string) =>
  `Resources:\n  Setting:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Type: String\n      Value: ${value}\n`;

let cloud: LocalCloud;
let sts: STSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({
    dynamodb: false,
    delays: { changeSet: 0, resource: 0, stackPhase: 0 },
    roles: [
      { arn: ROLE_A, externalId: 'converge-a' },
      { arn: ROLE_B, externalId: 'converge-b' },
    ],
    log: () => undefined,
  });
  sts = new STSClient({ region: REGION, endpoint: cloud.endpoint, credentials: CONVERGE, maxAttempts: 1 });
});
afterAll(async () => {
  await cloud?.stop();
});

function stacksIn(
  targets = [
    { id: A, roleArn: ROLE_A, externalId: 'converge-a' },
    { id: B, roleArn: ROLE_B, externalId: 'converge-b' },
  ],
) {
  const accounts = new AssumedRoleCredentials({ targets, client: sts });
  const own = new CloudFormationClient({ region: REGION, endpoint: cloud.endpoint, credentials: CONVERGE });
  return new CloudFormationStacks({
    client: () => own,
    accounts,
    targetClient: (region, credentials) =>
      new CloudFormationClient({ region, endpoint: cloud.endpoint, credentials }),
  });
}

async function deploy(stacks: CloudFormationStacks, stack: StackRef, value: string): Promise<string> {
  const { changeSetId, stackId } = await stacks.createChangeSet({
    stack,
    changeSetName: `c-${value}`,
    changeSetType: 'CREATE',
    templateBody: TEMPLATE(value),
    parameters: {},
    tags: {},
    capabilities: [],
  });
  for (let i = 0; i < 200; i++) {
    if ((await stacks.describeChangeSet(stack, changeSetId)).status === 'CREATE_COMPLETE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stacks.executeChangeSet(stack, changeSetId, `token-${value}`);
  for (let i = 0; i < 200; i++) {
    if ((await stacks.describeStack(stack))?.status === 'CREATE_COMPLETE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return stackId;
}

describe('the local cloud emulates accounts', () => {
  it('AssumeRole issues credentials that act in the role account, and GetCallerIdentity says so', async () => {
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_A, RoleSessionName: 'deployment-1', ExternalId: 'converge-a' }),
    );
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${A}:assumed-role/converge-deploy/deployment-1`);
    expect(answer.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    const assumed = new STSClient({
      region: REGION,
      endpoint: cloud.endpoint,
      credentials: {
        accessKeyId: answer.Credentials!.AccessKeyId!,
        secretAccessKey: answer.Credentials!.SecretAccessKey!,
        sessionToken: answer.Credentials!.SessionToken!,
      },
    });
    const who = await assumed.send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Account: A, Arn: answer.AssumedRoleUser?.Arn });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
  });

  it.each([
    ['a wrong external id', ROLE_A, 'converge-b'],
    ['no external id', ROLE_A, undefined],
    ['a role that does not exist', `arn:aws:iam::${A}:role/admin`, 'converge-a'],
  ])('refuses AssumeRole with %s (AccessDenied)', async (_what, roleArn, externalId) => {
    await expect(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 's1',
          ...(externalId ? { ExternalId: externalId } : {}),
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  });

  it('keeps two stacks with the same name in two accounts apart, each deploy in its own account', async () => {
    const stacks = stacksIn();
    const idA = await deploy(stacks, { stackName: 'app', region: REGION, account: A }, 'in-a');
    const idB = await deploy(stacks, { stackName: 'app', region: REGION, account: B }, 'in-b');
    expect(idA).toContain(`:${A}:stack/app/`);
    expect(idB).toContain(`:${B}:stack/app/`);
    expect(idA).not.toBe(idB);
    const valueIn = (account: string) =>
      cloud
        .account(account)
        .resources.list('AWS::SSM::Parameter')
        .map((resource) => resource.properties.Value);
    expect(valueIn(A)).toEqual(['in-a']);
    expect(valueIn(B)).toEqual(['in-b']);
    expect(valueIn('000000000000')).toEqual([]);
    // Converge's own account has no stack named app.
    expect(await stacks.describeStack({ stackName: 'app', region: REGION })).toBeUndefined();
    const own = new CloudFormationClient({ region: REGION, endpoint: cloud.endpoint, credentials: CONVERGE });
    await expect(own.send(new DescribeStacksCommand({ StackName: 'app' }))).rejects.toThrow(/does not exist/);
  });

  it('refuses a stack in an account the targets do not list, and one whose role refuses', async () => {
    const stacks = stacksIn([{ id: A, roleArn: ROLE_A, externalId: 'not-the-one' }]);
    await expect(
      stacks.describeStack({ stackName: 'app', region: REGION, account: B }),
    ).rejects.toBeInstanceOf(TargetAccountRefusedError);
    await expect(stacks.describeStack({ stackName: 'app', region: REGION, account: A })).rejects.toThrow(
      /sts:AssumeRole on arn:aws:iam::111111111111:role\/converge-deploy was refused/,
    );
    // An execution Converge cannot start there is a refusal: nothing ran.
    await expect(
      stacks.executeChangeSet({ stackName: 'app', region: REGION, account: A }, 'converge-x', 'token-x'),
    ).rejects.toMatchObject({ name: 'ChangeSetExecutionRefusedError', code: 'AccessDenied' });
  });

  it('lists only the buckets an account owns; a name taken by another account is BucketAlreadyExists', async () => {
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 's3-test', ExternalId: 'converge-b' }),
    );
    const inB = new S3Client({
      region: REGION,
      endpoint: cloud.endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: answer.Credentials!.AccessKeyId!,
        secretAccessKey: answer.Credentials!.SecretAccessKey!,
        sessionToken: answer.Credentials!.SessionToken!,
      },
    });
    const own = new S3Client({
      region: REGION,
      endpoint: cloud.endpoint,
      forcePathStyle: true,
      credentials: CONVERGE,
    });
    await own.send(new CreateBucketCommand({ Bucket: 'converge-artifacts' }));
    await inB.send(new CreateBucketCommand({ Bucket: 'team-b-logs' }));
    expect((await inB.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(['team-b-logs']);
    expect((await own.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      'converge-artifacts',
    ]);
    await expect(inB.send(new CreateBucketCommand({ Bucket: 'converge-artifacts' }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
    });
  });
});

describe('AssumedRoleCredentials', () => {
  it('assumes each role once while its credentials are fresh, and again once they near expiry', async () => {
    let now = Date.now();
    const accounts = new AssumedRoleCredentials({
      targets: [{ id: A, roleArn: ROLE_A, externalId: 'converge-a' }],
      client: sts,
      now: () => now,
    });
    const first = await accounts.credentialsFor(A);
    const [again, concurrent] = await Promise.all([accounts.credentialsFor(A), accounts.credentialsFor(A)]);
    expect(again.accessKeyId).toBe(first.accessKeyId);
    expect(concurrent.accessKeyId).toBe(first.accessKeyId);
    now += 56 * 60_000; // an hour's credentials, five minutes before they expire
    expect((await accounts.credentialsFor(A)).accessKeyId).not.toBe(first.accessKeyId);
  });

  it('keeps one session per (account, session name), each cached and each named in STS', async () => {
    const accounts = new AssumedRoleCredentials({
      targets: [{ id: A, roleArn: ROLE_A, externalId: 'converge-a' }],
      client: sts,
    });
    const first = await accounts.credentialsFor(A, '01JDEPLOYMENTONE0000000000');
    const second = await accounts.credentialsFor(A, '01JDEPLOYMENTTWO0000000000');
    const unnamed = await accounts.credentialsFor(A);
    expect(new Set([first.accessKeyId, second.accessKeyId, unnamed.accessKeyId]).size).toBe(3);
    expect((await accounts.credentialsFor(A, '01JDEPLOYMENTONE0000000000')).accessKeyId).toBe(
      first.accessKeyId,
    );
    const arnOf = async (credentials: typeof first) =>
      (
        await new STSClient({ region: REGION, endpoint: cloud.endpoint, credentials }).send(
          new GetCallerIdentityCommand({}),
        )
      ).Arn;
    expect(await arnOf(first)).toBe(
      `arn:aws:sts::${A}:assumed-role/converge-deploy/01JDEPLOYMENTONE0000000000`,
    );
    expect(await arnOf(second)).toBe(
      `arn:aws:sts::${A}:assumed-role/converge-deploy/01JDEPLOYMENTTWO0000000000`,
    );
    expect(await arnOf(unnamed)).toBe(`arn:aws:sts::${A}:assumed-role/converge-deploy/converge`);
  });

  it('keeps at most maxSessions sessions, dropping the least recently used', async () => {
    const accounts = new AssumedRoleCredentials({
      targets: [{ id: A, roleArn: ROLE_A, externalId: 'converge-a' }],
      client: sts,
      maxSessions: 2,
    });
    const one = await accounts.credentialsFor(A, 'one');
    const two = await accounts.credentialsFor(A, 'two');
    await accounts.credentialsFor(A, 'one'); // used again: now 'two' is the oldest
    await accounts.credentialsFor(A, 'three');
    expect((await accounts.credentialsFor(A, 'one')).accessKeyId).toBe(one.accessKeyId);
    expect((await accounts.credentialsFor(A, 'two')).accessKeyId).not.toBe(two.accessKeyId);
  });

  it('makes any session name fit STS (2 to 64 characters of [\\w+=,.@-]) instead of failing', async () => {
    const accounts = new AssumedRoleCredentials({
      targets: [{ id: A, roleArn: ROLE_A, externalId: 'converge-a' }],
      client: sts,
    });
    const credentials = await accounts.credentialsFor(A, `deploy/app ${'x'.repeat(80)}`);
    const { Arn } = await new STSClient({ region: REGION, endpoint: cloud.endpoint, credentials }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(Arn).toBe(`arn:aws:sts::${A}:assumed-role/converge-deploy/deploy-app-${'x'.repeat(53)}`);
  });
});

describe('CloudFormationStacks.actingAs', () => {
  it('acts in the target account under the named session, and without one under the default', async () => {
    const stacks = stacksIn();
    const stack = { stackName: 'sessions', region: REGION, account: B };
    await deploy(stacks.actingAs('01JDEPLOYMENTTHREE00000000'), stack, 'sessions');
    await stacks.describeStack(stack);
    const sessions = (eventName: string) =>
      cloud.trail.events({ eventName, recipientAccountId: B }).map((event) => event.userIdentity.sessionName);
    expect(sessions('ExecuteChangeSet')).toContain('01JDEPLOYMENTTHREE00000000');
    expect(sessions('CreateChangeSet')).toContain('01JDEPLOYMENTTHREE00000000');
    expect(sessions('DescribeStacks').at(-1)).toBe('converge');
    expect(
      cloud.trail.events({ eventName: 'ExecuteChangeSet', recipientAccountId: B }).at(-1)?.userIdentity.arn,
    ).toBe(`arn:aws:sts::${B}:assumed-role/converge-deploy/01JDEPLOYMENTTHREE00000000`);
  });
});

describe('CloudWatch alarms per account', () => {
  /** SetAlarmState over the wire; the local cloud reads the account from the key in the credential scope. */
  const setAlarmState = (accessKeyId: string, name: string, state: string) =>
    fetch(cloud.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${REGION}/monitoring/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({
        Action: 'SetAlarmState',
        Version: '2010-08-01',
        AlarmName: name,
        StateValue: state,
        StateReason: 'errors above 5 per minute',
      }),
    });

  it('keeps an alarm set in a target account in that account, where its rollback triggers read it', async () => {
    const accounts = new AssumedRoleCredentials({
      targets: [{ id: A, roleArn: ROLE_A, externalId: 'converge-a' }],
      client: sts,
    });
    const inA = await accounts.credentialsFor(A, 'alarms');
    expect((await setAlarmState(inA.accessKeyId, 'orders-errors', 'ALARM')).status).toBe(200);

    const arnInA = `arn:aws:cloudwatch:${REGION}:${A}:alarm:orders-errors`;
    expect(cloud.account(A).alarms.get(arnInA)?.state).toBe('ALARM');
    expect(cloud.cloudFormation.alarms.list()).toEqual([]);

    // A change set in account A naming the alarm as a rollback trigger rolls back.
    const stacks = stacksIn().actingAs('alarms');
    const stack = { stackName: 'guarded', region: REGION, account: A };
    await deploy(stacks, stack, 'guarded-1');
    const { changeSetId } = await stacks.createChangeSet({
      stack,
      changeSetName: 'guarded-2',
      changeSetType: 'UPDATE',
      templateBody: TEMPLATE('guarded-2'),
      parameters: {},
      tags: {},
      capabilities: [],
      rollback: { alarms: [arnInA], monitoringMinutes: 0 },
    });
    for (let i = 0; i < 200; i++) {
      if ((await stacks.describeChangeSet(stack, changeSetId)).status === 'CREATE_COMPLETE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await stacks.executeChangeSet(stack, changeSetId, 'token-guarded-2');
    let status: string | undefined;
    for (let i = 0; i < 300 && !status?.endsWith('_COMPLETE'); i++) {
      status = (await stacks.operationStatus(stack, 'token-guarded-2'))?.status;
      if (!status?.endsWith('_COMPLETE')) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });
});
