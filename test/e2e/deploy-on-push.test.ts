import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergeYaml, type E2e, newest, REGION, startE2e, template } from './support/e2e-harness.ts';

describe('deploy on push through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('plans a push, asks Slack, executes on a signed Approve click and updates the message in place', async () => {
    const first = await e2e.push({
      'converge.yaml': convergeYaml(['app']),
      'stacks/app.yaml': template('v1'),
    });
    expect(first.status).toBe(202);
    const awaiting = await e2e.waitFor(
      async () => newest(await e2e.deployments('app')),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the first deployment to await approval',
    );
    await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/api/chat.postMessage'),
      (posted) => posted.length === 1,
      'the approval request in Slack',
    );
    const ts = await e2e.waitFor(
      async () => (await e2e.store.getDeployment(awaiting!.id))?.notifications?.slack?.ts,
      (value) => typeof value === 'string',
      'the Slack message ts on the deployment',
    );

    const click = await e2e.click((await e2e.store.getDeployment(awaiting!.id))!);
    expect(click.status).toBe(200);
    const done = await e2e.waitFor(
      () => e2e.store.getDeployment(awaiting!.id),
      (d) => d?.status === 'SUCCEEDED' || d?.status === 'FAILED',
      'the deployment to finish',
    );
    expect(done?.status).toBe('SUCCEEDED');

    const cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'app' }));
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    const parameterName = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'SettingName')?.OutputValue;
    const cloudControl = new CloudControlClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const parameter = await cloudControl.send(
      new GetResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: parameterName }),
    );
    expect(JSON.parse(parameter.ResourceDescription?.Properties ?? '{}').Value).toBe('v1');

    const updates = await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/api/chat.update'),
      (list) =>
        list.some(
          (r) =>
            JSON.stringify(r.body).includes('SUCCEEDED') ||
            JSON.stringify(r.body).toLowerCase().includes('succeeded'),
        ),
      'the approval message to be updated with the outcome',
    );
    expect(updates.every((r) => (r.body as { ts?: string }).ts === ts)).toBe(true);
  });
});
