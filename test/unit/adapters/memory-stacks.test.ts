import { describe, expect, it } from 'vitest';
import { MemoryStacks } from '../../../shared/adapters/memory/memory-stacks.ts';
import { ChangeSetNotFoundError } from '../../../shared/ports/stacks.ts';
import { stacksContract } from '../../support/stacks-contract.ts';

stacksContract('MemoryStacks', () => {
  const stacks = new MemoryStacks();
  return {
    stacks,
    // The fake runs an execution until the test ends it.
    settle: async (stack) => {
      if (stacks.stacks.get(stack.stackName)?.running) stacks.finish(stack.stackName, 'success');
    },
  };
});

// CloudFormation's stacks live in a region. The local cloud holds one region's stacks (whatever
// region a request signs with), so this case runs on the fake alone until the local cloud keeps
// regions apart too.
describe('MemoryStacks regions', () => {
  it('keeps regions apart: a stack planned in one region is unknown in another', async () => {
    const stacks = new MemoryStacks();
    const here = { stackName: 'network-prod', region: 'us-east-1' };
    const elsewhere = { ...here, region: 'ap-southeast-2' };
    const { changeSetId } = await stacks.createChangeSet({
      stack: here,
      changeSetName: 'converge-region',
      changeSetType: 'CREATE',
      templateBody: 'Resources: {}',
      parameters: {},
      tags: {},
      capabilities: [],
    });
    expect(await stacks.describeChangeSet(here, changeSetId)).toMatchObject({ status: 'CREATE_COMPLETE' });
    await stacks.executeChangeSet(here, changeSetId, 'token-region');
    stacks.finish('network-prod', 'success');

    expect(await stacks.describeStack(here)).toMatchObject({ status: 'CREATE_COMPLETE' });
    expect(await stacks.describeStack(elsewhere)).toBeUndefined();
    await expect(stacks.describeChangeSet(elsewhere, changeSetId)).rejects.toBeInstanceOf(
      ChangeSetNotFoundError,
    );
    expect(await stacks.operationStatus(elsewhere, 'token-region')).toBeUndefined();
  });
});
