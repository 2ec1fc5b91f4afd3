import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { explainStack } from '../../shared/use-cases/queries/explain-stack.ts';
import { type E2e, REGION, reaches, settled, startE2e } from './support/e2e-harness.ts';

/** A network stack whose `Version` output is `version`. */
function networkTemplate(version: string): string {
  return [
    'Resources:',
    '  Setting:',
    '    Type: AWS::SSM::Parameter',
    '    Properties:',
    '      Type: String',
    `      Value: ${JSON.stringify(version)}`,
    'Outputs:',
    '  Version:',
    `    Value: ${JSON.stringify(version)}`,
    '',
  ].join('\n');
}

/** An app stack that stores the `NetworkVersion` parameter it is given. */
const APP_TEMPLATE = [
  'Parameters:',
  '  NetworkVersion:',
  '    Type: String',
  'Resources:',
  '  Copy:',
  '    Type: AWS::SSM::Parameter',
  '    Properties:',
  '      Type: String',
  '      Value: !Ref NetworkVersion',
  '',
].join('\n');

/** `<prefix>-network`, then `<prefix>-app` taking its `Version` output. */
function dependentYaml(prefix: string): string {
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  approval: { required: 1, autoApprove: never }',
    'stacks:',
    `  - name: ${prefix}-app`,
    `    template: stacks/${prefix}-app.yaml`,
    '    parameters:',
    `      NetworkVersion: { fromStack: ${prefix}-network, output: Version }`,
    `  - name: ${prefix}-network`,
    `    template: stacks/${prefix}-network.yaml`,
    '',
  ].join('\n');
}

describe.concurrent('dependencies between stacks, through the local host', () => {
  let e2e: E2e;
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    e2e = await startE2e(['chain', 'blocked', 'broken']);
    cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const stackOf = async (name: string) =>
    (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  const approve = async (deployment: Deployment) => {
    expect((await e2e.click(deployment)).status).toBe(200);
    return reaches(e2e, deployment.id, ['SUCCEEDED', 'FAILED']);
  };

  it('deploys the app only after the network, with the network output as its parameter, and plans it again when that output changes', async () => {
    const repo = e2e.repository('chain');
    await repo.push({
      'converge.yaml': dependentYaml('chain'),
      'stacks/chain-network.yaml': networkTemplate('v1'),
      'stacks/chain-app.yaml': APP_TEMPLATE,
    });

    // The app waits for the network, which waits for a person.
    const network = await settled(e2e, 'chain-network', ['AWAITING_APPROVAL']);
    const waiting = await settled(e2e, 'chain-app', ['AWAITING_DEPENDENCIES']);
    expect(waiting.waitingFor).toEqual(['chain-network']);
    expect(waiting.changeSet).toBeUndefined();
    expect(await stackOf('chain-app').catch(() => undefined)).toBeUndefined();

    // `converge why`, the check run and the Slack message show the chain.
    const [why] = await explainStack(
      { store: e2e.store, clock: { now: () => Date.now() } },
      { stackName: 'chain-app' },
    );
    expect(why?.waits[0]).toMatchObject({
      kind: 'dependencies',
      deploymentId: waiting.id,
      dependencies: [{ stackName: 'chain-network', deploymentId: network.id, status: 'AWAITING_APPROVAL' }],
    });
    expect(why?.waits[0]?.message).toContain('chain-network (deployment');
    type CheckRun = { status: string; output?: { title: string; summary: string } };
    const run = await e2e.waitFor(
      async () => {
        const response = await fetch(
          `${e2e.recorder.url}/repos/acme/chain/commits/${waiting.revision}/check-runs?check_name=converge/chain-app`,
        );
        return ((await response.json()) as { check_runs: CheckRun[] }).check_runs[0];
      },
      (found) => found?.output?.summary.includes('Deploys after') === true,
      'the app check run to show its dependency',
    );
    expect(run).toMatchObject({
      status: 'queued',
      output: { title: 'Waiting for its dependencies to deploy' },
    });
    expect(run?.output?.summary).toContain('**Deploys after** `chain-network`');
    await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/api/chat.postMessage').map((r) => JSON.stringify(r.body)),
      (bodies) => bodies.some((b) => b.includes('chain-app') && b.includes('Deploys after *chain-network*')),
      'the app Slack message to show its dependency',
    );

    // The network deploys; then the app is planned with its output.
    expect((await approve(network)).status).toBe('SUCCEEDED');
    const app = await reaches(e2e, waiting.id, ['AWAITING_APPROVAL', 'PLAN_FAILED']);
    expect(app.status).toBe('AWAITING_APPROVAL');
    expect((await approve(app)).status).toBe('SUCCEEDED');
    const live = await stackOf('chain-app');
    expect(live?.Parameters).toEqual([{ ParameterKey: 'NetworkVersion', ParameterValue: 'v1' }]);

    // A push that changes only the network's output plans the app again at that revision.
    const second = await repo.push({ 'stacks/chain-network.yaml': networkTemplate('v2') });
    const network2 = await e2e.waitFor(
      async () => (await e2e.deployments('chain-network')).find((d) => d.revision === second.sha),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the network change to await approval',
    );
    expect((await approve(network2!)).status).toBe('SUCCEEDED');
    const replanned = await e2e.waitFor(
      async () => (await e2e.deployments('chain-app')).find((d) => d.revision === second.sha),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the app to be planned again with the new output',
    );
    expect((await approve(replanned!)).status).toBe('SUCCEEDED');
    expect((await stackOf('chain-app'))?.Parameters).toEqual([
      { ParameterKey: 'NetworkVersion', ParameterValue: 'v2' },
    ]);
  }, 150_000);

  it('stops the app with the reason when its dependency is rejected, and never creates it', async () => {
    await e2e.repository('blocked').push({
      'converge.yaml': dependentYaml('blocked'),
      'stacks/blocked-network.yaml': networkTemplate('v1'),
      'stacks/blocked-app.yaml': APP_TEMPLATE,
    });
    const network = await settled(e2e, 'blocked-network', ['AWAITING_APPROVAL']);
    const waiting = await settled(e2e, 'blocked-app', ['AWAITING_DEPENDENCIES']);

    expect((await e2e.click(network, { decision: 'reject' })).status).toBe(200);
    await reaches(e2e, network.id, ['REJECTED']);
    const stopped = await reaches(e2e, waiting.id, ['PLAN_FAILED', 'AWAITING_APPROVAL']);
    expect(stopped.status).toBe('PLAN_FAILED');
    expect(stopped.reason?.code).toBe('DependencyFailed');
    expect(stopped.reason?.message).toContain('blocked-network');
    expect(stopped.reason?.message).toContain('REJECTED');
    expect(await stackOf('blocked-app').catch(() => undefined)).toBeUndefined();

    // The Slack message of the app shows the chain and why it stopped.
    const messages = await e2e.waitFor(
      async () =>
        e2e.recorder
          .requestsTo('POST', '/api/chat.update')
          .concat(e2e.recorder.requestsTo('POST', '/api/chat.postMessage'))
          .map((r) => JSON.stringify(r.body))
          .filter((body) => body.includes('blocked-app') && body.includes('Plan failed')),
      (list) => list.length > 0,
      'the app message to say why it stopped',
    );
    const last = messages.at(-1) ?? '';
    expect(last).toContain('Deploys after *blocked-network*');
    expect(last).toContain('Dependency blocked-network did not deploy');
  });

  it('stops the app with the reason when its dependency fails to execute, and never creates it', async () => {
    // A logical id only this network has, so the injected failure meets no other test's stack.
    const brokenNetwork = networkTemplate('v1').replace('  Setting:', '  BrokenSetting:');
    e2e.host.cloud!.cloudFormation.failures.add({
      operation: 'create',
      logicalId: 'BrokenSetting',
      message: 'Injected: the parameter store refused the value',
      times: 1,
    });
    await e2e.repository('broken').push({
      'converge.yaml': dependentYaml('broken'),
      'stacks/broken-network.yaml': brokenNetwork,
      'stacks/broken-app.yaml': APP_TEMPLATE,
    });
    const network = await settled(e2e, 'broken-network', ['AWAITING_APPROVAL']);
    const waiting = await settled(e2e, 'broken-app', ['AWAITING_DEPENDENCIES']);

    expect((await approve(network)).status).toBe('FAILED');
    const stopped = await reaches(e2e, waiting.id, ['PLAN_FAILED', 'AWAITING_APPROVAL']);
    expect(stopped.status).toBe('PLAN_FAILED');
    expect(stopped.reason?.code).toBe('DependencyFailed');
    expect(stopped.reason?.message).toContain('broken-network');
    expect(stopped.reason?.message).toContain('FAILED');
    expect(await stackOf('broken-app').catch(() => undefined)).toBeUndefined();
  });
});
