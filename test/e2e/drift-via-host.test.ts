import { CloudControlClient, GetResourceCommand, UpdateResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergeYaml, type E2e, newest, REGION, startE2e, template } from './support/e2e-harness.ts';

/** converge.yaml for one stack whose drift policy is `revert` (a person approves each revert). */
function withRevertPolicy(): string {
  return convergeYaml(['app']).replace('stacks:\n', '  drift: { mode: revert }\nstacks:\n');
}

describe('a drift revert through the local host, Slack and the approval gate', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('sweeps on schedule, shows the drift in the Slack approval request, and reverts once approved', async () => {
    // Deploy the stack the ordinary way: push, approve in Slack, executed.
    await e2e.push({ 'converge.yaml': withRevertPolicy(), 'stacks/app.yaml': template('v1') });
    const first = await e2e.waitFor(
      async () => newest(await e2e.deployments('app')),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the first deployment to await approval',
    );
    await e2e.click(first!);
    await e2e.waitFor(
      () => e2e.store.getDeployment(first!.id),
      (d) => d?.status === 'SUCCEEDED',
      'the first deployment to succeed',
    );

    // Someone changes the queue in the console.
    const cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const cloudControl = new CloudControlClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const queueUrl = (
      await cfn.send(new DescribeStackResourcesCommand({ StackName: 'app', LogicalResourceId: 'Queue' }))
    ).StackResources?.[0]?.PhysicalResourceId;
    await cloudControl.send(
      new UpdateResourceCommand({
        TypeName: 'AWS::SQS::Queue',
        Identifier: queueUrl,
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value: 600 }]),
      }),
    );
    const visibility = async () =>
      JSON.parse(
        (
          await cloudControl.send(
            new GetResourceCommand({ TypeName: 'AWS::SQS::Queue', Identifier: queueUrl }),
          )
        ).ResourceDescription?.Properties ?? '{}',
      ).VisibilityTimeout as number;
    await e2e.waitFor(visibility, (value) => value === 600, 'the out-of-band change');

    // The scheduled sweep proposes a revert of the last applied revision and asks Slack.
    await e2e.host.runSchedule('drift-sweep');
    const revert = await e2e.waitFor(
      async () => newest(await e2e.deployments('app')),
      (d) => d?.kind === 'revert-drift' && d.status === 'AWAITING_APPROVAL',
      'the drift revert to await approval',
    );
    expect(revert?.revision).toBe(first?.revision);
    const request = await e2e.waitFor(
      async () =>
        e2e.recorder
          .requestsTo('POST', '/api/chat.postMessage')
          .find((r) => JSON.stringify(r.body).includes('Drift to revert')),
      (found) => found !== undefined,
      'the Slack approval request showing the drift',
    );
    expect(JSON.stringify(request?.body)).toContain('/VisibilityTimeout');
    expect(await visibility()).toBe(600);

    // Approved in Slack, the revert runs and the queue is back at its template value.
    await e2e.click((await e2e.store.getDeployment(revert!.id))!);
    await e2e.waitFor(
      () => e2e.store.getDeployment(revert!.id),
      (d) => d?.status === 'SUCCEEDED',
      'the drift revert to succeed',
    );
    expect(await visibility()).toBe(30);
  });
});
