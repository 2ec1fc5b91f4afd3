import { DeleteResourceCommand, UpdateResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/start-local-cloud.ts';
import { createTable } from '../../shared/adapters/aws/create-table.ts';
import { DynamoDbDriftStore } from '../../shared/adapters/aws/dynamodb-drift-store.ts';
import { DynamoDbStore } from '../../shared/adapters/aws/dynamodb-store.ts';
import { stackKey } from '../../shared/domain/deployment/deployment.ts';
import type { DriftRecord } from '../../shared/domain/drift/drift-sweep.ts';
import { decideApproval } from '../../shared/use-cases/approval/decide-approval.ts';
import { sweepDrift } from '../../shared/use-cases/drift/sweep-drift.ts';
import { waitFor } from '../support/wait-for.ts';
import { CONTROL_PLANE_APPROVER, clientConfig, driftPipeline, REGION } from './drift-harness.ts';

const REVISION = '7e'.repeat(20);
const TEMPLATE = `Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
  Parameter:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt Queue.Arn
`;
const POLICIES: Record<string, string> = {
  'orders-report': '{ mode: report }',
  'orders-revert': '{ mode: revert }',
  'orders-auto': '{ mode: revert-auto }',
  'orders-ignore': "{ mode: revert, ignore: ['Queue/Properties/VisibilityTimeout'] }",
  'orders-deleted': '{ mode: revert-auto }',
};
const CONVERGE_YAML = [
  'version: 1',
  'defaults:',
  `  region: ${REGION}`,
  '  branch: main',
  '  approval: { required: 1, autoApprove: safe }',
  'stacks:',
  ...Object.entries(POLICIES).flatMap(([name, drift]) => [
    `  - name: ${name}`,
    '    template: stacks/orders.yaml',
    `    drift: ${drift}`,
  ]),
  '',
].join('\n');

describe('drift sweeps on the local cloud, end to end', () => {
  let cloud: LocalCloud;
  let world: ReturnType<typeof driftPipeline>;

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: true,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    const dynamodb = new DynamoDBClient(clientConfig(cloud.endpoint));
    await createTable(dynamodb, 'converge');
    world = driftPipeline(cloud, {
      store: new DynamoDbStore({ tableName: 'converge', client: dynamodb }),
      drift: new DynamoDbDriftStore({ tableName: 'converge', client: dynamodb }),
      deliverDriftEvents: true,
    });
    world.revisions[REVISION] = { 'converge.yaml': CONVERGE_YAML, 'stacks/orders.yaml': TEMPLATE };
    for (const name of Object.keys(POLICIES)) await world.deploy(name, REVISION);
  }, 120_000);

  afterAll(async () => {
    world?.unsubscribe();
    await cloud?.stop();
  });

  const physicalId = async (stackName: string, logicalId: string) =>
    (
      await world.cfn.send(
        new DescribeStackResourcesCommand({ StackName: stackName, LogicalResourceId: logicalId }),
      )
    ).StackResources?.[0]?.PhysicalResourceId ?? '';

  /** Changes the stack's queue by hand, as someone in the console would. */
  const changeVisibilityTimeout = async (stackName: string, value: number) => {
    const request = await world.cc.send(
      new UpdateResourceCommand({
        TypeName: 'AWS::SQS::Queue',
        Identifier: await physicalId(stackName, 'Queue'),
        PatchDocument: JSON.stringify([{ op: 'replace', path: '/VisibilityTimeout', value }]),
      }),
    );
    await world.ccDone(request.ProgressEvent?.RequestToken);
  };

  const sweep = (stackName: string) =>
    sweepDrift(world.deps, {
      requestedBy: 'cli:e2e',
      owner: `e2e-${stackName}-${Date.now()}`,
      stackNames: [stackName],
      fresh: true,
      remainingMs: () => 60_000,
    });

  /**
   * The stack's newest drift record once acted on. The drift detection event may finish the
   * detection in parallel with the sweep's own poll (as two invocations would), so the revert
   * can still be in planning when the sweep returns.
   */
  const latestRecord = (stackName: string): Promise<DriftRecord> =>
    waitFor(
      async () =>
        (await world.deps.drift.listDriftRecords(stackKey({ stackName, region: REGION }), { limit: 1 }))[0],
      (record) =>
        record !== undefined && (!record.action.endsWith('revert') || record.deploymentId !== undefined),
      `the drift record of ${stackName}`,
    ) as Promise<DriftRecord>;

  it('reports a property changed out of band with its path, template value and live value', async () => {
    await changeVisibilityTimeout('orders-report', 90);

    const result = await sweep('orders-report');

    expect(result).toMatchObject({ finished: true, counts: { done: 1 } });
    const record = await latestRecord('orders-report');
    expect(record).toMatchObject({ action: 'report', report: { stackDriftStatus: 'DRIFTED' } });
    expect(record.report.resources.find((r) => r.logicalId === 'Queue')).toMatchObject({
      status: 'MODIFIED',
      differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '90', type: 'NOT_EQUAL' }],
    });
    expect(world.driftNotifier.sent.map((r) => r.report.stack.stackName)).toContain('orders-report');
  });

  it('waits for approval under revert, then puts the template value back and the stack is in sync', async () => {
    await changeVisibilityTimeout('orders-revert', 120);
    await sweep('orders-revert');
    const proposed = await latestRecord('orders-revert');
    const deployment = await world.deps.store.getDeployment(proposed.deploymentId!);
    expect(deployment).toMatchObject({
      kind: 'revert-drift',
      status: 'AWAITING_APPROVAL',
      revision: REVISION,
    });
    // Nothing runs before a person approves (deployments closing elsewhere may queue their dependents' release).
    expect(world.queue.sent.filter(({ job }) => job.type === 'execute')).toEqual([]);
    expect(
      (await world.liveProperties('AWS::SQS::Queue', await physicalId('orders-revert', 'Queue')))
        .VisibilityTimeout,
    ).toBe(120);

    // The trusted rule names no approvers: the control-plane approvers decide, not anyone.
    const stranger = await decideApproval(world.deps, {
      deploymentId: deployment!.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    expect(stranger.outcome).toBe('refused');
    await decideApproval(world.deps, {
      deploymentId: deployment!.id,
      approver: CONTROL_PLANE_APPROVER,
      decision: 'approve',
      via: 'slack',
    });
    await world.runExecuteJobs();

    expect((await world.settled(deployment!.id)).status).toBe('SUCCEEDED');
    expect(
      (await world.liveProperties('AWS::SQS::Queue', await physicalId('orders-revert', 'Queue')))
        .VisibilityTimeout,
    ).toBe(30);
    await sweep('orders-revert');
    expect(await latestRecord('orders-revert')).toMatchObject({
      action: 'none',
      report: { stackDriftStatus: 'IN_SYNC' },
    });
  });

  it('reverts without approval under revert-auto', async () => {
    await changeVisibilityTimeout('orders-auto', 45);
    await sweep('orders-auto');
    const record = await latestRecord('orders-auto');
    expect(record.action).toBe('auto-revert');
    expect((await world.deps.store.getDeployment(record.deploymentId!))?.status).toBe('APPROVED');

    await world.runExecuteJobs();

    expect((await world.settled(record.deploymentId!)).status).toBe('SUCCEEDED');
    expect(
      (await world.liveProperties('AWS::SQS::Queue', await physicalId('orders-auto', 'Queue')))
        .VisibilityTimeout,
    ).toBe(30);
  });

  it('reports nothing and plans nothing when an ignore rule covers the drift', async () => {
    await changeVisibilityTimeout('orders-ignore', 75);

    await sweep('orders-ignore');

    const record = await latestRecord('orders-ignore');
    expect(record).toMatchObject({
      action: 'none',
      report: { ignored: [expect.objectContaining({ path: '/VisibilityTimeout' })] },
    });
    expect(record.deploymentId).toBeUndefined();
    expect(world.driftNotifier.sent.map((r) => r.report.stack.stackName)).not.toContain('orders-ignore');
  });

  it('recreates a resource deleted out of band', async () => {
    const parameter = await physicalId('orders-deleted', 'Parameter');
    const deletion = await world.cc.send(
      new DeleteResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: parameter }),
    );
    await world.ccDone(deletion.ProgressEvent?.RequestToken);

    await sweep('orders-deleted');
    const record = await latestRecord('orders-deleted');
    expect(record.report.resources.find((r) => r.logicalId === 'Parameter')?.status).toBe('DELETED');
    expect(record.action).toBe('auto-revert');
    await world.runExecuteJobs();

    expect((await world.settled(record.deploymentId!)).status).toBe('SUCCEEDED');
    const recreated = await physicalId('orders-deleted', 'Parameter');
    expect(await world.liveProperties('AWS::SSM::Parameter', recreated)).toMatchObject({ Type: 'String' });
    await sweep('orders-deleted');
    expect(await latestRecord('orders-deleted')).toMatchObject({
      action: 'none',
      report: { stackDriftStatus: 'IN_SYNC' },
    });
  });

  it('handled every cloud event without an error', () => {
    expect(world.failures).toEqual([]);
  });
});
