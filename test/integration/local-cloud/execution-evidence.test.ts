import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../../local/cloud/service.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { type Deployment, stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ChangeSetExecutionRefusedError } from '../../../shared/ports/stacks.ts';
import { closeOnStackEvent } from '../../../shared/use-cases/execution/close-on-stack-event.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { reconcileDeployments } from '../../../shared/use-cases/execution/reconcile-deployments.ts';
import { approved, pipeline, REV1, REV2 } from '../../unit/use-cases/pipeline-fixture.ts';
import { clientConfig } from './fake-services.ts';

const STATUS_CHANGE = 'CloudFormation Stack Status Change';

/** The fixture's stack, with a queue whose VisibilityTimeout differs by revision. */
function templateOf(visibility: number): string {
  return [
    'Parameters:',
    '  VpcCidr:',
    '    Type: String',
    'Resources:',
    '  Queue:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    `      VisibilityTimeout: ${visibility}`,
    '',
  ].join('\n');
}

/** A clock on real time that a test can move forward (past a grace period) without waiting. */
function skippableClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    iso: () => new Date(Date.now() + offset).toISOString(),
    sleep: (ms: number) => sleep(ms),
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

describe('execution evidence against the local cloud', () => {
  let cloud: LocalCloud;
  let stacks: CloudFormationStacks;
  const clientFor = (region: string, options: object = {}) =>
    new CloudFormationClient({ ...clientConfig(cloud.endpoint), region, ...options });

  beforeAll(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 20, stackPhase: 5 },
    });
    stacks = new CloudFormationStacks({ client: (region) => clientFor(region) });
  });
  beforeEach(() => {
    cloud.faults.clear();
    cloud.faults.resetCounters();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  /** The pipeline on the local cloud; stack status events go to the stack-events use case, as in AWS. */
  function onLocalCloud(stackName: string, cfn = stacks) {
    const base = pipeline();
    const clock = skippableClock();
    const deps = { ...base.deps, stacks: cfn, clock };
    const visibility: Record<string, number> = { [REV1]: 30, [REV2]: 60 };
    const p = {
      ...base,
      deps,
      clock,
      commit: (revision: string) =>
        base.commit(revision, {
          'converge.yaml': convergeFor(stackName),
          'stacks/network.yaml': templateOf(visibility[revision] ?? 90),
        }),
      planJob: (revision: string) => ({ ...base.planJob(revision), stackName, stackKey: keyOf(stackName) }),
    };
    const handled: Promise<unknown>[] = [];
    const unsubscribe = cloud.events.subscribe((event: CloudEvent) => {
      if (event['detail-type'] !== STATUS_CHANGE) return;
      const detail = event.detail as {
        'stack-id': string;
        'status-details': { status: string; 'status-reason'?: string };
        'client-request-token'?: string;
      };
      handled.push(
        closeOnStackEvent(deps, {
          stackId: detail['stack-id'],
          status: detail['status-details'].status,
          statusReason: detail['status-details']['status-reason'],
          clientRequestToken: detail['client-request-token'],
        }),
      );
    });
    return { p, deps, handled, unsubscribe };
  }

  async function until(id: string, store: ReturnType<typeof pipeline>['store'], statuses: string[]) {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const found = await store.getDeployment(id);
      if (found && statuses.includes(found.status)) return found;
      await sleep(20);
    }
    throw new Error(`deployment ${id} never reached ${statuses.join(' or ')}`);
  }

  /** How many stack operations the token started: its stack-level *_IN_PROGRESS "User Initiated" events. */
  async function operationsStarted(stackName: string, token: string): Promise<number> {
    const { StackEvents = [] } = await clientFor('eu-west-1').send(
      new DescribeStackEventsCommand({ StackName: stackName }),
    );
    return StackEvents.filter(
      (e) =>
        e.ClientRequestToken === token &&
        e.LogicalResourceId === stackName &&
        (e.ResourceStatus === 'CREATE_IN_PROGRESS' || e.ResourceStatus === 'UPDATE_IN_PROGRESS') &&
        e.ResourceStatusReason === 'User Initiated',
    ).length;
  }

  /** A first deployment of REV1 that succeeds, so the next one is an update of a settled stack. */
  async function deployedOnce(run: ReturnType<typeof onLocalCloud>): Promise<Deployment> {
    const first = await approved(run.p as never, REV1);
    await executeDeployment(run.deps, { deploymentId: first.id });
    await until(first.id, run.p.store, [DeploymentStatus.SUCCEEDED]);
    run.p.clock.advance(1_000);
    return first;
  }

  it('reads an operation by its token, and tells a refusal from a lost answer', async () => {
    const run = onLocalCloud('adapter-reads');
    const first = await deployedOnce(run);
    expect(await stacks.operationStatus(first.stack, first.id)).toEqual({ status: 'CREATE_COMPLETE' });
    expect(await stacks.operationStatus(first.stack, 'Console-UpdateStack-1')).toBeUndefined();
    // Executed, so no longer executable: CloudFormation answers, and refuses a new token.
    const refused = await stacks
      .executeChangeSet(first.stack, first.changeSet!.id, 'another-token')
      .catch((error: Error) => error);
    expect(refused).toBeInstanceOf(ChangeSetExecutionRefusedError);
    // The same token again is the same request: nothing new runs, nothing is refused.
    await stacks.executeChangeSet(first.stack, first.changeSet!.id, first.id);
    expect(await operationsStarted('adapter-reads', first.id)).toBe(1);
    cloud.faults.set({
      rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', drop: { everyNth: 1 } }],
    });
    const lost = await stacks
      .executeChangeSet(first.stack, first.changeSet!.id, first.id)
      .catch((error: Error) => error);
    expect(lost).toBeInstanceOf(Error);
    expect(lost).not.toBeInstanceOf(ChangeSetExecutionRefusedError);
    run.unsubscribe();
  });

  it('ends SUCCEEDED exactly once when every ExecuteChangeSet answer is lost after it ran', async () => {
    const run = onLocalCloud('lost-answer');
    const deployment = await approved(run.p as never, REV1);
    cloud.faults.set({
      rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', drop: { everyNth: 1 } }],
    });
    const result = await executeDeployment(run.deps, { deploymentId: deployment.id });
    expect(result.outcome).toBe('executing');
    const done = await until(deployment.id, run.p.store, [
      DeploymentStatus.SUCCEEDED,
      DeploymentStatus.FAILED,
    ]);
    expect(done.status).toBe(DeploymentStatus.SUCCEEDED);
    expect(cloud.faults.counters().dropped['cloudformation.ExecuteChangeSet']).toBeGreaterThanOrEqual(1);
    expect(await operationsStarted('lost-answer', deployment.id)).toBe(1);
    expect((await run.p.store.getStackState(keyOf('lost-answer')))?.lastAppliedRevision).toBe(REV1);
    run.unsubscribe();
  });

  it('resolves ExecuteChangeSet answered 5xx before it ran by asking, and runs it once', async () => {
    const run = onLocalCloud('server-error');
    const deployment = await approved(run.p as never, REV1);
    // Every attempt the SDK makes on the first call fails before CloudFormation runs anything.
    cloud.faults.set({
      rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', error: { first: 3 } }],
    });
    await executeDeployment(run.deps, { deploymentId: deployment.id });
    const done = await until(deployment.id, run.p.store, [
      DeploymentStatus.SUCCEEDED,
      DeploymentStatus.FAILED,
    ]);
    expect(done.status).toBe(DeploymentStatus.SUCCEEDED);
    expect(cloud.faults.counters().errors['cloudformation.ExecuteChangeSet']).toBe(3);
    expect(await operationsStarted('server-error', deployment.id)).toBe(1);
    run.unsubscribe();
  });

  it('closes from the change set evidence when the completion event was dropped', async () => {
    const run = onLocalCloud('dropped-event');
    const deployment = await approved(run.p as never, REV1);
    cloud.faults.set({
      events: [{ detailType: STATUS_CHANGE, status: 'CREATE_COMPLETE', drop: { everyNth: 1 } }],
    });
    await executeDeployment(run.deps, { deploymentId: deployment.id });
    for (let i = 0; i < 300; i += 1) {
      const state = await stacks.describeChangeSet(deployment.stack, deployment.changeSet!.id);
      if (state.executionStatus === 'EXECUTE_COMPLETE') break;
      await sleep(20);
    }
    await Promise.all(run.handled);
    expect((await run.p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
    expect(await reconcileDeployments(run.deps)).toMatchObject({ closed: 1 });
    expect((await run.p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.SUCCEEDED);
    expect(cloud.faults.counters().dropped[`events.${STATUS_CHANGE}`]).toBe(1);
    run.unsubscribe();
  });

  it('ends FAILED from its own evidence when its rollback event was lost and another update then succeeded', async () => {
    const run = onLocalCloud('other-update');
    await deployedOnce(run);
    const deployment = await approved(run.p as never, REV2);
    cloud.cloudFormation.failures.add({
      operation: 'update',
      logicalId: 'Queue',
      message: 'Access denied',
      times: 1,
    });
    cloud.faults.set({ events: [{ status: 'UPDATE_ROLLBACK_COMPLETE', drop: { everyNth: 1 } }] });
    await executeDeployment(run.deps, { deploymentId: deployment.id });
    await until(deployment.id, run.p.store, [DeploymentStatus.EXECUTING]);
    for (let i = 0; i < 300; i += 1) {
      const state = await stacks.describeChangeSet(deployment.stack, deployment.changeSet!.id);
      if (state.executionStatus === 'EXECUTE_FAILED') break;
      await sleep(20);
    }

    // Someone updates the stack from the console; it ends UPDATE_COMPLETE, with its own token.
    const byHand = clientFor('eu-west-1');
    await byHand.send(
      new CreateChangeSetCommand({
        StackName: 'other-update',
        ChangeSetName: 'by-hand',
        TemplateBody: templateOf(45),
        Parameters: [{ ParameterKey: 'VpcCidr', ParameterValue: '10.0.0.0/16' }],
      }),
    );
    for (let i = 0; i < 300; i += 1) {
      const described = await byHand.send(
        new DescribeChangeSetCommand({ StackName: 'other-update', ChangeSetName: 'by-hand' }),
      );
      if (described.Status === 'CREATE_COMPLETE') break;
      await sleep(20);
    }
    await byHand.send(
      new ExecuteChangeSetCommand({
        StackName: 'other-update',
        ChangeSetName: 'by-hand',
        ClientRequestToken: 'Console-ExecuteChangeSet-1',
      }),
    );
    for (let i = 0; i < 300; i += 1) {
      if ((await stacks.describeStack(deployment.stack))?.status === 'UPDATE_COMPLETE') break;
      await sleep(20);
    }
    await sleep(100);
    await Promise.all(run.handled);
    expect((await run.p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);

    expect(await reconcileDeployments(run.deps)).toMatchObject({ closed: 1 });
    expect(await run.p.store.getDeployment(deployment.id)).toMatchObject({
      status: DeploymentStatus.FAILED,
      reason: { code: 'RolledBack' },
    });
    expect((await run.p.store.getStackState(keyOf('other-update')))?.lastAppliedRevision).toBe(REV1);
    run.unsubscribe();
  });

  it('never ends SUCCEEDED from the stack status when ExecuteChangeSet never got through, and runs it once later', async () => {
    // ExecuteChangeSet is held until its caller gives up (a 300 ms timeout): it never runs, as
    // when the execute function dies between the EXECUTING write and the call.
    const impatient = new CloudFormationStacks({
      client: (region) =>
        clientFor(region, {
          maxAttempts: 1,
          requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
        }),
    });
    const run = onLocalCloud('never-sent', impatient);
    await deployedOnce(run);
    const deployment = await approved(run.p as never, REV2);
    cloud.faults.set({ rules: [{ service: 'cloudformation', operation: 'ExecuteChangeSet', hold: true }] });
    const result = await executeDeployment(run.deps, { deploymentId: deployment.id });
    expect(result.outcome).toBe('executing');
    expect(cloud.faults.counters().abandoned['cloudformation.ExecuteChangeSet']).toBe(3);
    cloud.faults.clear();

    // The stack reads CREATE_COMPLETE (from REV1): that is no evidence that REV2 ran.
    expect((await impatient.describeStack(deployment.stack))?.status).toBe('CREATE_COMPLETE');
    expect(await reconcileDeployments(run.deps)).toMatchObject({ closed: 0, resumed: 0 });
    expect((await run.p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXECUTING);
    expect((await run.p.store.getStackState(keyOf('never-sent')))?.lastAppliedRevision).toBe(REV1);

    // Past the grace period reconcile executes it, with its own token, once.
    run.p.clock.advance(5 * 60_000);
    expect(await reconcileDeployments(run.deps)).toMatchObject({ resumed: 1 });
    const done = await until(deployment.id, run.p.store, [
      DeploymentStatus.SUCCEEDED,
      DeploymentStatus.FAILED,
    ]);
    expect(done.status).toBe(DeploymentStatus.SUCCEEDED);
    expect(await operationsStarted('never-sent', deployment.id)).toBe(1);
    expect((await run.p.store.getStackState(keyOf('never-sent')))?.lastAppliedRevision).toBe(REV2);
    run.unsubscribe();
  });
});

function keyOf(stackName: string): string {
  return stackKey({ stackName, region: 'eu-west-1' });
}

function convergeFor(stackName: string): string {
  return [
    'version: 1',
    'defaults:',
    '  region: eu-west-1',
    '  branch: main',
    'stacks:',
    `  - name: ${stackName}`,
    '    template: stacks/network.yaml',
    '    parameters: stacks/network.prod.json',
    '    approval: { required: 1, autoApprove: never }',
    '',
  ].join('\n');
}
