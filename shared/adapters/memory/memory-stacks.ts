import type { CfnChange } from '../../domain/change-set/change.ts';
import type { StackRef } from '../../domain/deployment/deployment.ts';
import {
  ChangeSetExecutionRefusedError,
  ChangeSetNotFoundError,
  type ChangeSetState,
  ChangeSetStatus,
  type CreateChangeSetRequest,
  type DriftDetectionState,
  DriftDetectionStatus,
  ExecutionStatus,
  type LiveStack,
  type ResourceDrift,
  type ResourceFailure,
  type StackResourceSummary,
  StackStatus,
  type StackStatusState,
  type Stacks,
} from '../../ports/stacks.ts';

/** What the next change set of a stack turns out to be. */
export type ChangeSetOutcome =
  | { readonly kind: 'changes'; readonly changes: readonly CfnChange[]; readonly pollsUntilReady?: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'never-ready' };

/** CloudFormation's words for an empty change set. */
export const EMPTY_CHANGE_SET_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

interface FakeChangeSet {
  readonly id: string;
  readonly name: string;
  readonly request: CreateChangeSetRequest;
  readonly outcome: ChangeSetOutcome;
  polls: number;
  executionStatus: ExecutionStatus;
  executionToken?: string;
}

interface FakeStack {
  readonly stackId: string;
  /** EnableTerminationProtection. */
  terminationProtection?: boolean;
  /** The region it was created in; stacks added with `existing` answer in any region. */
  readonly region?: string;
  status: StackStatus;
  statusReason?: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  readonly changeSets: Map<string, FakeChangeSet>;
  failures: ResourceFailure[];
  /** The change set running now, if any: {@link MemoryStacks.finish} ends it. */
  running?: FakeChangeSet;
  /** The newest stack status each operation (by ClientRequestToken) recorded. */
  readonly operations: Map<string, StackStatusState>;
}

/** How the next ExecuteChangeSet calls go wrong without CloudFormation refusing them. */
export type ExecuteInterruption = 'lost-before' | 'lost-after';

const DEFAULT_CHANGE: CfnChange = {
  Type: 'Resource',
  ResourceChange: {
    Action: 'Modify',
    LogicalResourceId: 'Queue',
    ResourceType: 'AWS::SQS::Queue',
    Replacement: 'False',
    Scope: ['Properties'],
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'VisibilityTimeout', RequiresRecreation: 'Never' },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      },
    ],
  },
};

/**
 * CloudFormation in memory, for unit tests of the use cases: change sets turn out as scripted
 * (`script`), executions are recorded and finish when the test says so (`finish`).
 */
export class MemoryStacks implements Stacks {
  readonly stacks = new Map<string, FakeStack>();
  readonly created: CreateChangeSetRequest[] = [];
  readonly deleted: string[] = [];
  /** The ids of the stacks deleted with {@link deleteStack}, in order. */
  readonly deletedStacks: string[] = [];
  private readonly gone = new Map<string, StackStatusState>();
  private readonly failingDeletes = new Set<string>();
  readonly executed: { stackName: string; changeSetId: string; clientRequestToken: string }[] = [];
  private readonly scripts = new Map<string, ChangeSetOutcome[]>();
  private readonly interruptions: ExecuteInterruption[] = [];
  private sequence = 0;
  /** The sessions asked for with {@link actingAs}, in order: one account, so the same stacks act in each. */
  readonly sessions: string[] = [];

  actingAs(session: string): MemoryStacks {
    this.sessions.push(session);
    return this;
  }

  /** The next change sets of `stackName` turn out like `outcomes`, in order; then the default (one safe modification). */
  script(stackName: string, ...outcomes: ChangeSetOutcome[]): this {
    this.scripts.set(stackName, [...(this.scripts.get(stackName) ?? []), ...outcomes]);
    return this;
  }

  /** Adds an existing stack in a stable status, with its stack tags. */
  existing(
    stackName: string,
    status: StackStatus = StackStatus.UPDATE_COMPLETE,
    tags: Readonly<Record<string, string>> = {},
  ): this {
    this.stacks.set(stackName, { ...this.newStack(stackName, status), tags: { ...tags } });
    return this;
  }

  /** Gives the stack these outputs (DescribeStacks `Outputs`). */
  withOutputs(stackName: string, outputs: Readonly<Record<string, string>>): this {
    this.require(stackName).outputs = { ...outputs };
    return this;
  }

  /** Someone else (a person, another tool) starts an operation on the stack. */
  operationStarted(stackName: string, status: StackStatus = StackStatus.UPDATE_IN_PROGRESS): this {
    this.require(stackName).status = status;
    return this;
  }

  /** Deleting `stackName` ends DELETE_FAILED with CloudFormation's reason, leaving the stack in place. */
  failDelete(stackName: string): this {
    this.failingDeletes.add(stackName);
    return this;
  }

  /**
   * The next ExecuteChangeSet calls, one each, fail the way a network does: `lost-before` never
   * reaches CloudFormation; `lost-after` runs, and the answer is lost.
   */
  interruptExecute(...interruptions: ExecuteInterruption[]): this {
    this.interruptions.push(...interruptions);
    return this;
  }

  /** Ends the running operation of a stack; returns the status it ended in. */
  finish(stackName: string, outcome: 'success' | 'rollback', failures: ResourceFailure[] = []): StackStatus {
    const stack = this.require(stackName);
    const creating = stack.status.startsWith('CREATE');
    stack.status =
      outcome === 'success'
        ? creating
          ? StackStatus.CREATE_COMPLETE
          : StackStatus.UPDATE_COMPLETE
        : creating
          ? StackStatus.ROLLBACK_COMPLETE
          : StackStatus.UPDATE_ROLLBACK_COMPLETE;
    stack.failures = failures;
    const running = stack.running;
    if (running) {
      running.executionStatus =
        outcome === 'success' ? ExecutionStatus.EXECUTE_COMPLETE : ExecutionStatus.EXECUTE_FAILED;
      stack.operations.set(running.executionToken!, { status: stack.status });
      stack.running = undefined;
    }
    return stack.status;
  }

  /** The stack's id (ARN-shaped), as CloudFormation events carry it. */
  stackId(stackName: string): string {
    return this.require(stackName).stackId;
  }

  async describeStack(stack: StackRef): Promise<LiveStack | undefined> {
    const live = this.live(stack);
    if (!live || live.status === StackStatus.REVIEW_IN_PROGRESS) return undefined;
    return {
      stackId: live.stackId,
      stackName: stack.stackName,
      status: live.status,
      statusReason: live.statusReason,
      tags: live.tags,
      ...(live.terminationProtection !== undefined
        ? { terminationProtection: live.terminationProtection }
        : {}),
      outputs: { ...live.outputs },
      parameters: { ...live.parameters },
    };
  }

  /** Sets the stack's termination protection, as UpdateTerminationProtection does. */
  async setTerminationProtection(stack: StackRef, enabled: boolean): Promise<void> {
    const live = this.live(stack);
    if (!live) throw new Error(`Stack [${stack.stackName}] does not exist`);
    live.terminationProtection = enabled;
  }

  async createChangeSet(request: CreateChangeSetRequest): Promise<{ changeSetId: string; stackId: string }> {
    const name = request.stack.stackName;
    const queued = this.scripts.get(name) ?? [];
    const outcome = queued.shift() ?? { kind: 'changes', changes: [DEFAULT_CHANGE] };
    if (outcome.kind === 'rejected') throw new Error(outcome.message);
    let stack = this.live(request.stack);
    if (!stack) {
      if (request.changeSetType !== 'CREATE') throw new Error(`Stack [${name}] does not exist`);
      if (this.stacks.has(name))
        throw new Error(
          `MemoryStacks holds one stack named ${name}; it is in another region than ${request.stack.region}`,
        );
      stack = {
        ...this.newStack(name, StackStatus.REVIEW_IN_PROGRESS, request.stack.region),
        region: request.stack.region,
      };
      this.stacks.set(name, stack);
    }
    const existing = [...stack.changeSets.values()].find((cs) => cs.name === request.changeSetName);
    if (existing) return { changeSetId: existing.id, stackId: stack.stackId };
    this.sequence += 1;
    const id = `arn:aws:cloudformation:${request.stack.region}:123456789012:changeSet/${request.changeSetName}/${this.sequence}`;
    stack.changeSets.set(id, {
      id,
      name: request.changeSetName,
      request,
      outcome,
      polls: 0,
      executionStatus: ExecutionStatus.UNAVAILABLE,
    });
    this.created.push(request);
    return { changeSetId: id, stackId: stack.stackId };
  }

  async describeChangeSet(stack: StackRef, changeSetId: string): Promise<ChangeSetState> {
    const changeSet = this.requireChangeSet(stack, changeSetId);
    changeSet.polls += 1;
    const { outcome } = changeSet;
    if (
      outcome.kind === 'never-ready' ||
      (outcome.kind === 'changes' && changeSet.polls <= (outcome.pollsUntilReady ?? 0))
    ) {
      return {
        changeSetId,
        status: ChangeSetStatus.CREATE_IN_PROGRESS,
        executionStatus: ExecutionStatus.UNAVAILABLE,
        changes: [],
      };
    }
    if (outcome.kind === 'empty' || outcome.kind === 'failed') {
      const statusReason = outcome.kind === 'empty' ? EMPTY_CHANGE_SET_REASON : outcome.reason;
      return {
        changeSetId,
        status: ChangeSetStatus.FAILED,
        statusReason,
        executionStatus: ExecutionStatus.UNAVAILABLE,
        changes: [],
      };
    }
    if (changeSet.executionStatus === ExecutionStatus.UNAVAILABLE)
      changeSet.executionStatus = ExecutionStatus.AVAILABLE;
    const changes = outcome.kind === 'changes' ? outcome.changes : [];
    return {
      changeSetId,
      status: ChangeSetStatus.CREATE_COMPLETE,
      executionStatus: changeSet.executionStatus,
      changes,
    };
  }

  /** Deletes by id or by name, as CloudFormation does; records the id. */
  async deleteChangeSet(stack: StackRef, changeSetIdOrName: string): Promise<void> {
    const live = this.live(stack);
    const found = [...(live?.changeSets.values() ?? [])].find(
      (cs) => cs.id === changeSetIdOrName || cs.name === changeSetIdOrName,
    );
    if (found && live?.changeSets.delete(found.id)) this.deleted.push(found.id);
  }

  async deleteStackInReview(stack: StackRef): Promise<boolean> {
    const live = this.live(stack);
    if (live?.status !== StackStatus.REVIEW_IN_PROGRESS) return false;
    this.stacks.delete(stack.stackName);
    return true;
  }

  /** Deletes at once (DELETE_COMPLETE), or DELETE_FAILED when {@link failDelete} said so. */
  async deleteStack(stack: StackRef, stackId: string): Promise<void> {
    const live = this.live(stack);
    if (!live || live.stackId !== stackId) return;
    if (this.failingDeletes.has(stack.stackName)) {
      live.status = StackStatus.DELETE_FAILED;
      live.statusReason = 'The following resource(s) failed to delete: [Queue]. ';
      return;
    }
    this.stacks.delete(stack.stackName);
    this.gone.set(stackId, { status: StackStatus.DELETE_COMPLETE });
    this.deletedStacks.push(stackId);
  }

  async stackStatus(stack: StackRef, stackId: string): Promise<StackStatusState | undefined> {
    const live = this.live(stack);
    if (live?.stackId === stackId) return { status: live.status, statusReason: live.statusReason };
    return this.gone.get(stackId);
  }

  /** Idempotent by token, as CloudFormation is; `executed` records each execution that started. */
  async executeChangeSet(stack: StackRef, changeSetId: string, clientRequestToken: string): Promise<void> {
    const interruption = this.interruptions.shift();
    if (interruption === 'lost-before') throw connectionLost();
    const live = this.live(stack);
    if (!live) throw new Error(`Stack [${stack.stackName}] does not exist`);
    const changeSet = this.requireChangeSet(stack, changeSetId);
    if (changeSet.executionToken !== clientRequestToken) {
      if (changeSet.executionStatus !== ExecutionStatus.AVAILABLE) {
        throw new ChangeSetExecutionRefusedError(
          changeSetId,
          'InvalidChangeSetStatus',
          `ChangeSet [${changeSetId}] cannot be executed in its current status of [${changeSet.executionStatus}]`,
        );
      }
      changeSet.executionStatus = ExecutionStatus.EXECUTE_IN_PROGRESS;
      changeSet.executionToken = clientRequestToken;
      for (const other of live.changeSets.values())
        if (other !== changeSet) other.executionStatus = ExecutionStatus.OBSOLETE;
      live.status =
        live.status === StackStatus.REVIEW_IN_PROGRESS
          ? StackStatus.CREATE_IN_PROGRESS
          : StackStatus.UPDATE_IN_PROGRESS;
      live.running = changeSet;
      live.operations.set(clientRequestToken, { status: live.status, statusReason: 'User Initiated' });
      // As in CloudFormation, the change set's tags become the stack's.
      if (changeSet.request.tags) live.tags = { ...changeSet.request.tags };
      live.parameters = { ...changeSet.request.parameters };
      this.executed.push({ stackName: stack.stackName, changeSetId, clientRequestToken });
    }
    if (interruption === 'lost-after') throw connectionLost();
  }

  async operationStatus(stack: StackRef, clientRequestToken: string): Promise<StackStatusState | undefined> {
    return this.live(stack)?.operations.get(clientRequestToken);
  }

  async failedResourceEvents(stack: StackRef): Promise<readonly ResourceFailure[]> {
    return this.live(stack)?.failures ?? [];
  }

  async detectDrift(stack: StackRef): Promise<string> {
    return `drift-${stack.stackName}`;
  }

  async driftDetectionStatus(): Promise<DriftDetectionState> {
    return {
      detectionStatus: DriftDetectionStatus.DETECTION_COMPLETE,
      stackDriftStatus: 'IN_SYNC',
      driftedResources: 0,
    };
  }

  async resourceDrifts(): Promise<readonly ResourceDrift[]> {
    return [];
  }

  /** No resources beyond what drift detection reports: the fake's drift is always in sync. */
  async listResources(): Promise<readonly StackResourceSummary[]> {
    return [];
  }

  /** The stack a reference names: same name, and the same region unless it answers in any. */
  private live(ref: StackRef): FakeStack | undefined {
    const stack = this.stacks.get(ref.stackName);
    return stack && (stack.region === undefined || stack.region === ref.region) ? stack : undefined;
  }

  private newStack(stackName: string, status: StackStatus, region = 'eu-west-1'): FakeStack {
    this.sequence += 1;
    return {
      stackId: `arn:aws:cloudformation:${region}:123456789012:stack/${stackName}/${this.sequence}`,
      status,
      tags: {},
      outputs: {},
      parameters: {},
      changeSets: new Map(),
      failures: [],
      operations: new Map(),
    };
  }

  private require(stackName: string): FakeStack {
    const stack = this.stacks.get(stackName);
    if (!stack) throw new Error(`Stack with id ${stackName} does not exist`);
    return stack;
  }

  private requireChangeSet(stack: StackRef, changeSetId: string): FakeChangeSet {
    const changeSet = this.live(stack)?.changeSets.get(changeSetId);
    if (!changeSet) throw new ChangeSetNotFoundError(stack.stackName, changeSetId);
    return changeSet;
  }
}

/** What the SDK throws when a connection drops before the answer arrives. */
function connectionLost(): Error {
  const error = new Error('socket hang up');
  error.name = 'TimeoutError';
  return error;
}
