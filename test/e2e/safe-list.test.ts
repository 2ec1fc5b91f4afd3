import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import {
  convergeYaml,
  type E2e,
  newest,
  REGION,
  reaches,
  startE2e,
  template,
} from './support/e2e-harness.ts';

const STACK = 'safe-app';
const TEMPLATE_PATH = `stacks/${STACK}.yaml`;

/** A Lambda function beside the harness template's queue and parameter. */
const WORKER = [
  '  Worker:',
  '    Type: AWS::Lambda::Function',
  '    Properties:',
  '      Runtime: nodejs20.x',
  '      Handler: index.handler',
  '      Role: arn:aws:iam::000000000000:role/worker',
  '      Code:',
  '        ZipFile: "exports.handler = async () => \'ok\';"',
].join('\n');

describe('autoApprove: safe through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['safe']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  /** Waits for a deployment of the stack other than those in `seen` to leave PLANNING. */
  const nextPlanned = (seen: readonly string[]) =>
    e2e.waitFor(
      async () => newest((await e2e.deployments(STACK)).filter((d) => !seen.includes(d.id))),
      (d) => d !== undefined && d.status !== 'PLANNING',
      `a new deployment of ${STACK} to be planned`,
    ) as Promise<Deployment>;

  it('asks a person for a pushed Lambda function, naming it, and auto-approves a parameter value change', async () => {
    const repo = e2e.repository('safe');
    const seen: string[] = [];

    // The first deployment of the stack is approved by a person (no trusted rule exists yet).
    await repo.push({
      'converge.yaml': convergeYaml([STACK], '{ required: 1, autoApprove: safe }'),
      [TEMPLATE_PATH]: template('v1'),
    });
    const first = await nextPlanned(seen);
    seen.push(first.id);
    expect(first.status).toBe('AWAITING_APPROVAL');
    expect((await e2e.click(first)).status).toBe(200);
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // A push that adds a Lambda function is not on the safe list: it waits, and says why.
    await repo.push({ [TEMPLATE_PATH]: template('v1', { extra: WORKER }) });
    const lambda = await nextPlanned(seen);
    seen.push(lambda.id);
    expect(lambda.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(lambda.id)).toEqual([]);
    const asked = (await e2e.store.listAudit(`deployment#${lambda.id}`)).find(
      (record) => record.action === 'awaiting-approval',
    );
    expect(asked?.reason).toContain('Worker (AWS::Lambda::Function) is added');
    // The Slack approval request carries the same reason (its body is form-encoded: read it parsed).
    await e2e.waitFor(
      async () =>
        e2e.recorder
          .requestsTo('POST', '/api/chat.postMessage')
          .map((r) => JSON.stringify(r.body))
          .filter((body) => body.includes(lambda.id)),
      (bodies) => bodies.some((body) => body.includes('Worker (AWS::Lambda::Function) is added')),
      'the approval request to name the Lambda function',
    );

    // A push that changes only the parameter's value on the deployed stack goes through alone,
    // and supersedes the waiting Lambda deployment.
    await repo.push({ [TEMPLATE_PATH]: template('v2') });
    const value = await nextPlanned(seen);
    expect(value.changeSet?.summary).toMatchObject({ risk: 'safe', unsafe: [] });
    expect(await e2e.store.listApprovals(value.id)).toEqual([
      expect.objectContaining({ approver: 'policy:auto-approve', changeSetId: value.changeSet?.id }),
    ]);
    expect((await reaches(e2e, value.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect((await e2e.store.getDeployment(lambda.id))?.status).toBe('SUPERSEDED');

    // The stack holds the new value and never got the function.
    const cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
    const name = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'SettingName')?.OutputValue;
    const cloudControl = new CloudControlClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const parameter = await cloudControl.send(
      new GetResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: name }),
    );
    expect(JSON.parse(parameter.ResourceDescription?.Properties ?? '{}').Value).toBe('v2');
    await expect(
      cloudControl.send(new GetResourceCommand({ TypeName: 'AWS::Lambda::Function', Identifier: 'Worker' })),
    ).rejects.toThrow();
  }, 120_000);
});
