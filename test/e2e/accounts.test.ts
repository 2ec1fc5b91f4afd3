import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudControlClient, UpdateResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDriftStore } from '../../shared/adapters/aws/dynamodb-drift-store.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { ReasonCode } from '../../shared/domain/deployment/reason-code.ts';
import { type E2e, newest, REGION, reaches, startE2e, template } from './support/e2e-harness.ts';

const A = '111111111111';
const B = '222222222222';
/** Listed in the policy, but its role demands another external id than the policy gives. */
const REFUSING = '333333333333';
/** Not listed in the policy at all. */
const UNLISTED = '444444444444';
const role = (account: string) => `arn:aws:iam::${account}:role/converge-deploy`;

const POLICY = [
  'version: 1',
  'repositories:',
  '  acme/team-a: { branches: [main], stacks: ["*"] }',
  '  acme/team-b: { branches: [main], stacks: ["*"] }',
  '  acme/strays: { branches: [main], stacks: ["*"] }',
  'approvers: [slack:U0APPROVER]',
  'slack: { teamId: T0LOCAL }',
  'accounts:',
  `  "${A}": { roleArn: "${role(A)}", externalId: converge-team-a }`,
  `  "${B}": { roleArn: "${role(B)}", externalId: converge-team-b }`,
  `  "${REFUSING}": { roleArn: "${role(REFUSING)}", externalId: converge-guess }`,
  '',
].join('\n');

/** converge.yaml with one stack per (name, account). */
function convergeYaml(stacks: readonly { name: string; account: string }[]): string {
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    '  approval: { required: 1, autoApprove: never }',
    'stacks:',
    ...stacks.flatMap(({ name, account }) => [
      `  - name: ${name}`,
      `    template: stacks/${name}.yaml`,
      `    account: "${account}"`,
    ]),
    '',
  ].join('\n');
}

describe('target accounts, through the local host', () => {
  let e2e: E2e;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-accounts-'));
    const policyFile = join(dir, 'policy.yaml');
    await writeFile(policyFile, POLICY);
    e2e = await startE2e(['team-a', 'team-b', 'strays'], {
      policyFile,
      roles: [
        { arn: role(A), externalId: 'converge-team-a' },
        { arn: role(B), externalId: 'converge-team-b' },
        { arn: role(REFUSING), externalId: 'only-the-owner-knows' },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const newestIn = (name: string, account: string, statuses: readonly string[]) =>
    e2e.waitFor(
      async () => newest(await e2e.deployments(name, account)),
      (d) => d !== undefined && statuses.includes(d.status),
      `${name} in ${account} to reach ${statuses.join(' or ')}`,
    ) as Promise<Deployment>;
  const settingsIn = (account: string) =>
    e2e.host
      .cloud!.account(account)
      .resources.list('AWS::SSM::Parameter')
      .map((resource) => resource.properties.Value);

  it('deploys two stacks named app to two accounts, each landing in its own', async () => {
    await e2e.repository('team-a').push({
      'converge.yaml': convergeYaml([{ name: 'app', account: A }]),
      'stacks/app.yaml': template('from team a'),
    });
    await e2e.repository('team-b').push({
      'converge.yaml': convergeYaml([{ name: 'app', account: B }]),
      'stacks/app.yaml': template('from team b'),
    });
    const inA = await newestIn('app', A, ['AWAITING_APPROVAL']);
    const inB = await newestIn('app', B, ['AWAITING_APPROVAL']);
    expect(inA.stackKey).toBe(`${A}/${REGION}/app`);
    expect(inB.stackKey).toBe(`${B}/${REGION}/app`);
    expect(inA.stack.account).toBe(A);

    await e2e.click(inA);
    await e2e.click(inB);
    expect((await reaches(e2e, inA.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect((await reaches(e2e, inB.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // Each template's resources exist in its account only; Converge's own account has none of them.
    expect(settingsIn(A)).toEqual(['from team a']);
    expect(settingsIn(B)).toEqual(['from team b']);
    expect(settingsIn('000000000000')).not.toContain('from team a');
    expect(settingsIn('000000000000')).not.toContain('from team b');
    expect(await e2e.deployments('app')).toEqual([]);

    // In each account, the deployment's change set was created and executed under a session
    // named after the deployment (what the account's CloudTrail shows).
    const trail = e2e.host.cloud!.trail;
    const sessionsOf = (eventName: string, account: string) =>
      trail.events({ eventName, recipientAccountId: account }).map((event) => event.userIdentity.arn);
    expect(sessionsOf('ExecuteChangeSet', A)).toEqual([
      `arn:aws:sts::${A}:assumed-role/converge-deploy/${inA.id}`,
    ]);
    expect(sessionsOf('ExecuteChangeSet', B)).toEqual([
      `arn:aws:sts::${B}:assumed-role/converge-deploy/${inB.id}`,
    ]);
    expect(sessionsOf('CreateChangeSet', A)).toContain(
      `arn:aws:sts::${A}:assumed-role/converge-deploy/${inA.id}`,
    );
    // Every call in A (reads included) was the deployment's: no other session acted there.
    const sessionsInA = new Set(
      trail.events({ recipientAccountId: A }).map((event) => event.userIdentity.sessionName),
    );
    expect(sessionsInA).toEqual(new Set([inA.id]));
  });

  it('detects drift made in one account in that account’s stack only', async () => {
    // Someone with access to account A changes the queue of its app stack out of band.
    const endpoint = e2e.host.cloudEndpoint;
    const sts = new STSClient({
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'ops', secretAccessKey: 'x' },
    });
    const issued = (
      await sts.send(
        new AssumeRoleCommand({ RoleArn: role(A), RoleSessionName: 'ops', ExternalId: 'converge-team-a' }),
      )
    ).Credentials!;
    const credentials = {
      accessKeyId: issued.AccessKeyId!,
      secretAccessKey: issued.SecretAccessKey!,
      sessionToken: issued.SessionToken!,
    };
    const cfn = new CloudFormationClient({ region: REGION, endpoint, credentials });
    const queueUrl = (
      await cfn.send(new DescribeStackResourcesCommand({ StackName: 'app', LogicalResourceId: 'Queue' }))
    ).StackResources?.[0]?.PhysicalResourceId;
    await new CloudControlClient({ region: REGION, endpoint, credentials }).send(
      new UpdateResourceCommand({
        TypeName: 'AWS::SQS::Queue',
        Identifier: queueUrl,
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value: 600 }]),
      }),
    );

    // The sweep detects drift in each account with that account's role.
    await e2e.host.runSchedule('drift-sweep');
    const drift = new DynamoDbDriftStore({ tableName: e2e.host.tableName });
    const latest = (account: string) => drift.listDriftRecords(`${account}/${REGION}/app`, { limit: 1 });
    const [inA] = await e2e.waitFor(
      () => latest(A),
      (records) => records.length > 0,
      'a drift record in A',
    );
    const [inB] = await e2e.waitFor(
      () => latest(B),
      (records) => records.length > 0,
      'a drift record in B',
    );
    expect(inA?.report.stackDriftStatus).toBe('DRIFTED');
    expect(inA?.report.stack.account).toBe(A);
    expect(JSON.stringify(inA?.report.resources)).toContain('/VisibilityTimeout');
    expect(inB?.report.stackDriftStatus).toBe('IN_SYNC');

    // The sweep acted in each account under a session named after the sweep.
    const detections = e2e.host
      .cloud!.trail.events({ eventName: 'DetectStackDrift', recipientAccountId: A })
      .map((event) => event.userIdentity.sessionName);
    expect(detections).toEqual([`converge-drift-${inA?.sweepId}`]);
  });

  it('fails the plan of a stack whose account the policy does not list, and of one whose role refuses Converge', async () => {
    await e2e.repository('strays').push({
      'converge.yaml': convergeYaml([
        { name: 'unlisted', account: UNLISTED },
        { name: 'refused', account: REFUSING },
      ]),
      'stacks/unlisted.yaml': template('never'),
      'stacks/refused.yaml': template('never'),
    });
    const unlisted = await newestIn('unlisted', UNLISTED, ['PLAN_FAILED', 'AWAITING_APPROVAL', 'SUCCEEDED']);
    expect(unlisted.status).toBe('PLAN_FAILED');
    expect(unlisted.reason?.code).toBe(ReasonCode.ACCOUNT_NOT_PERMITTED);
    expect(unlisted.reason?.message).toContain(`targets account ${UNLISTED}, which the control-plane policy`);

    const refused = await newestIn('refused', REFUSING, ['PLAN_FAILED', 'AWAITING_APPROVAL', 'SUCCEEDED']);
    expect(refused.status).toBe('PLAN_FAILED');
    expect(refused.reason?.code).toBe(ReasonCode.ACCESS_DENIED);
    expect(refused.reason?.message).toContain(`sts:AssumeRole on ${role(REFUSING)} was refused`);

    // Nothing was created in either account.
    expect(settingsIn(UNLISTED)).toEqual([]);
    expect(settingsIn(REFUSING)).toEqual([]);
  });
});
