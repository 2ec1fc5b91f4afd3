import { describe, expect, it } from 'vitest';
import type { StackRef } from '../../shared/domain/deployment/deployment.ts';
import {
  ChangeSetNotFoundError,
  type CreateChangeSetRequest,
  type Stacks,
} from '../../shared/ports/stacks.ts';

/** What the contract needs of one implementation of `Stacks`. */
export interface StacksUnderTest {
  readonly stacks: Stacks;
  /** Lets a running execution of the stack end (the memory fake ends it on demand; AWS on its own). */
  settle(stack: StackRef): Promise<void>;
}

const TEMPLATE = [
  'Resources:',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '    Properties:',
  '      VisibilityTimeout: 30',
  '',
].join('\n');

function request(stack: StackRef, name: string, type: 'CREATE' | 'UPDATE'): CreateChangeSetRequest {
  return {
    stack,
    changeSetName: name,
    changeSetType: type,
    templateBody: TEMPLATE,
    parameters: {},
    tags: { team: 'platform' },
    capabilities: [],
  };
}

/** Polls `read` until `done` (at most ~10 s), as Converge waits for change sets and executions. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 200 && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/**
 * The behaviour every `Stacks` must share: the in-memory fake the unit tests use
 * (`MemoryStacks`) and the real AWS adapter (`CloudFormationStacks`, here against the local
 * cloud). A unit test that passes on the fake proves something only where the two agree.
 */
export function stacksContract(name: string, make: () => StacksUnderTest | Promise<StacksUnderTest>): void {
  describe(`${name} (the Stacks contract)`, () => {
    let counter = 0;
    const fresh = (region = 'us-east-1'): StackRef => ({
      stackName: `contract-${Date.now().toString(36)}-${++counter}`,
      region,
    });

    it('knows no stack that was never created', async () => {
      const { stacks } = await make();
      expect(await stacks.describeStack(fresh())).toBeUndefined();
    });

    it('plans a new stack: a CREATE change set becomes available, and the stack is not live yet', async () => {
      const { stacks } = await make();
      const stack = fresh();
      const { changeSetId } = await stacks.createChangeSet(request(stack, 'converge-create', 'CREATE'));
      const ready = await until(
        () => stacks.describeChangeSet(stack, changeSetId),
        (cs) => cs.status !== 'CREATE_PENDING' && cs.status !== 'CREATE_IN_PROGRESS',
      );
      expect(ready).toMatchObject({ changeSetId, status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE' });
      expect(ready.changes.length).toBeGreaterThan(0);
      expect(await stacks.describeStack(stack)).toBeUndefined();
    });

    it('refuses an UPDATE of a stack that does not exist', async () => {
      const { stacks } = await make();
      await expect(stacks.createChangeSet(request(fresh(), 'converge-update', 'UPDATE'))).rejects.toThrow();
    });

    it('answers ChangeSetNotFoundError for a change set that does not exist', async () => {
      const { stacks } = await make();
      const stack = fresh();
      await stacks.createChangeSet(request(stack, 'converge-known', 'CREATE'));
      await expect(
        stacks.describeChangeSet(
          stack,
          `arn:aws:cloudformation:${stack.region}:000000000000:changeSet/converge-unknown/00000000-0000-0000-0000-000000000000`,
        ),
      ).rejects.toBeInstanceOf(ChangeSetNotFoundError);
    });

    it('executes with a token: the operation of that token ends complete, and the stack is live', async () => {
      const under = await make();
      const { stacks } = under;
      const stack = fresh();
      const { changeSetId } = await stacks.createChangeSet(request(stack, 'converge-run', 'CREATE'));
      await until(
        () => stacks.describeChangeSet(stack, changeSetId),
        (cs) => cs.status === 'CREATE_COMPLETE',
      );
      await stacks.executeChangeSet(stack, changeSetId, 'token-run');
      await under.settle(stack);
      const operation = await until(
        () => stacks.operationStatus(stack, 'token-run'),
        (status) => status?.status.endsWith('_COMPLETE') === true,
      );
      expect(operation?.status).toBe('CREATE_COMPLETE');
      expect(await stacks.operationStatus(stack, 'another-token')).toBeUndefined();
      expect(await stacks.describeStack(stack)).toMatchObject({
        status: 'CREATE_COMPLETE',
        tags: { team: 'platform' },
      });
    });
  });
}
