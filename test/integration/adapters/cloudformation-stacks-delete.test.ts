import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudFormationClient,
  type CloudFormationServiceException,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { systemClock } from '../../../shared/adapters/system/system-clock.ts';
import { clearFailedCreate } from '../../../shared/use-cases/planning/clear-failed-create.ts';
import { clientConfig } from '../local-cloud/fake-services.ts';

const STACK = { stackName: 'orders', region: 'eu-west-1' };
const TEMPLATE = JSON.stringify({
  Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } } },
});
const FAST_WAIT = { firstDelayMs: 10, maxDelayMs: 20, timeoutMs: 5_000 };

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = await probe();
    if (done(value)) return value;
    await sleep(20);
  }
  throw new Error('timed out waiting for the local cloud');
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (error: unknown) => error as CloudFormationServiceException,
  );

/** CloudFormationStacks.deleteStack and stackStatus against the local cloud, on a stack whose creation rolled back. */
describe('CloudFormationStacks on a stack whose first creation failed', () => {
  let cloud: LocalCloud;
  let cfn: CloudFormationClient;
  let stacks: CloudFormationStacks;

  const changeSet = async (name: string, type: 'CREATE' | 'UPDATE') => {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: STACK.stackName,
        ChangeSetName: name,
        ChangeSetType: type,
        TemplateBody: TEMPLATE,
      }),
    );
    return until(
      () => cfn.send(new DescribeChangeSetCommand({ StackName: STACK.stackName, ChangeSetName: name })),
      (described) => described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED',
    );
  };

  beforeEach(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    cfn = new CloudFormationClient(clientConfig(cloud.endpoint));
    stacks = new CloudFormationStacks({ client: () => cfn });
    cloud.cloudFormation.failures.add({
      operation: 'create',
      logicalId: 'Queue',
      message: 'Resource handler returned message: "Access denied"',
      times: 1,
    });
    await changeSet('first', 'CREATE');
    await cfn.send(new ExecuteChangeSetCommand({ StackName: STACK.stackName, ChangeSetName: 'first' }));
    await until(
      () => stacks.describeStack(STACK),
      (live) => live?.status === 'ROLLBACK_COMPLETE',
    );
  });
  afterEach(async () => {
    await cloud?.stop();
  });

  it('is refused an UPDATE change set with CloudFormation’s words', async () => {
    const error = await refusal(changeSet('update', 'UPDATE'));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/is in ROLLBACK_COMPLETE state and can not be updated\.$/);
  });

  it('is refused a CREATE change set under the same name', async () => {
    const error = await refusal(changeSet('again', 'CREATE'));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      'Stack [orders] already exists and cannot be created again with the changeSet [again].',
    );
  });

  it('deletes the stack by its id and reports DELETE_COMPLETE by that id', async () => {
    const live = await stacks.describeStack(STACK);
    await stacks.deleteStack(STACK, live?.stackId ?? '');
    const state = await until(
      () => stacks.stackStatus(STACK, live?.stackId ?? ''),
      (status) => status?.status === 'DELETE_COMPLETE',
    );
    expect(state?.status).toBe('DELETE_COMPLETE');
    expect(await stacks.describeStack(STACK)).toBeUndefined();
  });

  it('lets a CREATE change set create the stack again once Converge cleared it', async () => {
    const outcome = await clearFailedCreate({ stacks, clock: systemClock }, STACK, {
      mayDelete: true,
      wait: FAST_WAIT,
    });
    expect(outcome.kind).toBe('deleted');
    const created = await changeSet('second', 'CREATE');
    expect(created.Status).toBe('CREATE_COMPLETE');
  });
});
