import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { executionEvidence } from '../../../shared/use-cases/execution/execution-evidence.ts';
import { startExecution } from '../../../shared/use-cases/execution/start-execution.ts';
import { clientConfig } from '../local-cloud/fake-services.ts';

const STACK = { stackName: 'ledger', region: 'eu-west-1' };
const TEMPLATE = JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = await probe();
    if (done(value)) return value;
    await sleep(20);
  }
  throw new Error('timed out waiting for the local cloud');
}

/** A deletion deployment of the live stack, as removeStack plans it. */
function deletion(stackId: string): Deployment {
  const at = new Date().toISOString();
  return {
    id: '01JDELETION0000000000000000',
    kind: 'delete',
    stack: STACK,
    stackKey: 'default/eu-west-1/ledger',
    repository: 'acme/infra',
    revision: 'a'.repeat(40),
    status: 'EXECUTING',
    changeSet: { id: stackId, name: 'delete-ledger' },
    createdAt: at,
    updatedAt: at,
    version: 3,
  };
}

/** Termination protection and deletions by stack id, CloudFormationStacks against the local cloud. */
describe('deleting a stack through CloudFormationStacks', () => {
  let cloud: LocalCloud;
  let stacks: CloudFormationStacks;
  let stackId: string;

  beforeEach(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    stacks = new CloudFormationStacks({
      client: () => new CloudFormationClient(clientConfig(cloud.endpoint)),
    });
    const created = await stacks.createChangeSet({
      stack: STACK,
      changeSetName: 'create',
      changeSetType: 'CREATE',
      templateBody: TEMPLATE,
      parameters: {},
      tags: {},
      capabilities: [],
    });
    await until(
      () => stacks.describeChangeSet(STACK, created.changeSetId),
      (state) => state.executionStatus === 'AVAILABLE',
    );
    await stacks.executeChangeSet(STACK, created.changeSetId, 'create-token');
    const live = await until(
      () => stacks.describeStack(STACK),
      (found) => found?.status === 'CREATE_COMPLETE',
    );
    stackId = live!.stackId;
  });
  afterEach(async () => {
    await cloud?.stop();
  });

  it('refuses to delete a protected stack, with the reason, and leaves it in place', async () => {
    await stacks.setTerminationProtection(STACK, true);
    expect((await stacks.describeStack(STACK))?.terminationProtection).toBe(true);
    const started = await startExecution(stacks, deletion(stackId));
    expect(started).toEqual({
      kind: 'refused',
      reason: {
        code: ReasonCode.STACK_PROTECTED,
        message: 'Stack [ledger] cannot be deleted while TerminationProtection is enabled',
      },
    });
    expect((await stacks.describeStack(STACK))?.status).toBe('CREATE_COMPLETE');
  });

  it('deletes by id with the deployment as token, and the evidence says it ran', async () => {
    const deployment = deletion(stackId);
    expect(await startExecution(stacks, deployment)).toEqual({ kind: 'started' });
    const evidence = await until(
      () => executionEvidence(stacks, deployment),
      (found) => found.kind === 'ran',
    );
    expect(evidence).toEqual({ kind: 'ran', succeeded: true, stackStatus: 'DELETE_COMPLETE' });
    expect(await stacks.describeStack(STACK)).toBeUndefined();
  });

  it('has no evidence of a deletion that never started', async () => {
    expect(await executionEvidence(stacks, deletion(stackId))).toEqual({ kind: 'notStarted' });
  });
});
