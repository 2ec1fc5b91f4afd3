import { ManualClock } from '../../../shared/adapters/memory/manual-clock.ts';
import { MemoryArtifacts } from '../../../shared/adapters/memory/memory-artifacts.ts';
import { MemoryDriftNotifier } from '../../../shared/adapters/memory/memory-drift-notifier.ts';
import { MemoryDriftStore } from '../../../shared/adapters/memory/memory-drift-store.ts';
import { MemoryNotifier } from '../../../shared/adapters/memory/memory-notifier.ts';
import { MemoryQueue } from '../../../shared/adapters/memory/memory-queue.ts';
import { MemoryStacks } from '../../../shared/adapters/memory/memory-stacks.ts';
import { MemoryStore } from '../../../shared/adapters/memory/memory-store.ts';
import { type Deployment, type StackRef, stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { sortableId } from '../../../shared/domain/ids.ts';
import type { ControlPlanePolicy } from '../../../shared/domain/policy/control-plane-policy.ts';
import type {
  CreateChangeSetRequest,
  DriftDetectionState,
  ResourceDrift,
  StackResourceSummary,
  Stacks,
} from '../../../shared/ports/stacks.ts';
import type { ThrottleBackoff } from '../../../shared/use-cases/deployment/retry-throttled.ts';
import type { SweepDriftDeps, SweepSettings } from '../../../shared/use-cases/drift/sweep-drift.ts';
import type { ChangeSetWait } from '../../../shared/use-cases/planning/wait-for-change-set.ts';
import { type MemoryRevisions, MemorySource } from '../../support/memory-source.ts';
import { testPolicy } from '../../support/test-policy.ts';

export const REPOSITORY = 'acme/infrastructure';
export const APPLIED = 'a1'.repeat(20);
export const TEMPLATE =
  'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 30\n';

/** A stack's drift section in converge.yaml, as a YAML flow map. */
export type DriftYaml = string;

/** converge.yaml naming `stacks`, each with its drift policy (YAML flow map). */
export function convergeYaml(stacks: Readonly<Record<string, DriftYaml>>): string {
  const lines = ['version: 1', 'defaults:', '  region: eu-west-1', '  branch: main', 'stacks:'];
  for (const [name, drift] of Object.entries(stacks)) {
    lines.push(`  - name: ${name}`, '    template: stacks/app.yaml', `    drift: ${drift}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A throttling error as the SDK raises it for CloudFormation's Query protocol. */
export function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
}

interface FakeDetection {
  readonly stackName: string;
  polls: number;
  complete: boolean;
}

/**
 * CloudFormation's drift operations in memory: detections complete after `pollsToComplete`
 * status reads; the fake counts detections running at once (`maxInFlight`) and can throttle.
 */
export class DriftStacks implements Stacks {
  /** Change sets and executions: the pipeline's fake. */
  readonly cfn = new MemoryStacks();

  actingAs(): DriftStacks {
    return this;
  }
  readonly drifts = new Map<string, ResourceDrift[]>();
  readonly resources = new Map<string, StackResourceSummary[]>();
  readonly detections = new Map<string, FakeDetection>();
  /** Stack names, once per DetectStackDrift that started a detection. */
  readonly startedFor: string[] = [];
  /** Stack names DetectStackDrift refuses, with CloudFormation's message. */
  readonly refuse = new Map<string, string>();
  pollsToComplete = 2;
  inFlight = 0;
  maxInFlight = 0;
  detectCalls = 0;
  throttled = 0;
  /** Whether the n-th DetectStackDrift call (1-based) is throttled. */
  throttle: (call: number) => boolean = () => false;

  async detectDrift(stack: StackRef): Promise<string> {
    this.detectCalls += 1;
    if (this.throttle(this.detectCalls)) {
      this.throttled += 1;
      throw throttlingError();
    }
    const refusal = this.refuse.get(stack.stackName);
    if (refusal) throw Object.assign(new Error(refusal), { name: 'ValidationError' });
    const id = `detection-${this.detectCalls}`;
    this.detections.set(id, { stackName: stack.stackName, polls: 0, complete: false });
    this.startedFor.push(stack.stackName);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return id;
  }

  async driftDetectionStatus(_stack: StackRef, detectionId: string): Promise<DriftDetectionState> {
    const detection = this.detections.get(detectionId);
    if (!detection) throw new Error(`Drift detection with id ${detectionId} does not exist`);
    detection.polls += 1;
    if (!detection.complete && detection.polls < this.pollsToComplete) {
      return { detectionStatus: 'DETECTION_IN_PROGRESS' };
    }
    if (!detection.complete) {
      detection.complete = true;
      this.inFlight -= 1;
    }
    const drifted = (this.drifts.get(detection.stackName) ?? []).filter((d) => d.status !== 'IN_SYNC');
    return {
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: drifted.length > 0 ? 'DRIFTED' : 'IN_SYNC',
      driftedResources: drifted.length,
    };
  }

  async resourceDrifts(stack: StackRef): Promise<readonly ResourceDrift[]> {
    return this.drifts.get(stack.stackName) ?? [];
  }

  async listResources(stack: StackRef): Promise<readonly StackResourceSummary[]> {
    return this.resources.get(stack.stackName) ?? [];
  }

  describeStack(stack: StackRef) {
    return this.cfn.describeStack(stack);
  }
  createChangeSet(request: CreateChangeSetRequest) {
    return this.cfn.createChangeSet(request);
  }
  describeChangeSet(stack: StackRef, changeSetId: string) {
    return this.cfn.describeChangeSet(stack, changeSetId);
  }
  deleteChangeSet(stack: StackRef, changeSetId: string) {
    return this.cfn.deleteChangeSet(stack, changeSetId);
  }
  executeChangeSet(stack: StackRef, changeSetId: string, token: string) {
    return this.cfn.executeChangeSet(stack, changeSetId, token);
  }
  operationStatus(stack: StackRef, token: string) {
    return this.cfn.operationStatus(stack, token);
  }
  deleteStackInReview(stack: StackRef) {
    return this.cfn.deleteStackInReview(stack);
  }
  setTerminationProtection(stack: StackRef, enabled: boolean) {
    return this.cfn.setTerminationProtection(stack, enabled);
  }
  deleteStack(stack: StackRef, stackId: string) {
    return this.cfn.deleteStack(stack, stackId);
  }
  stackStatus(stack: StackRef, stackId: string) {
    return this.cfn.stackStatus(stack, stackId);
  }
  failedResourceEvents(stack: StackRef) {
    return this.cfn.failedResourceEvents(stack);
  }

  /** How many detections were started for `stackName`. */
  startsOf(stackName: string): number {
    return this.startedFor.filter((name) => name === stackName).length;
  }
}

/** The queue's VisibilityTimeout changed by hand from 30 to 60. */
export const QUEUE_DRIFT: ResourceDrift = {
  logicalId: 'Queue',
  physicalId: 'https://sqs.eu-west-1.amazonaws.com/123456789012/app-queue',
  resourceType: 'AWS::SQS::Queue',
  status: 'MODIFIED',
  differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '60', type: 'NOT_EQUAL' }],
};

/** Every adapter the drift use cases need, wired together, with `names` deployed at APPLIED. */
export async function driftWorld(policies: Readonly<Record<string, DriftYaml>>) {
  const revisions: MemoryRevisions = {
    [APPLIED]: { 'converge.yaml': convergeYaml(policies), 'stacks/app.yaml': TEMPLATE },
  };
  const source = new MemorySource(revisions);
  const store = new MemoryStore();
  const drift = new MemoryDriftStore();
  const clock = new ManualClock(Date.parse('2026-03-01T09:00:00.000Z'));
  const stacks = new DriftStacks();
  const notifier = new MemoryNotifier();
  const driftNotifier = new MemoryDriftNotifier();
  const queue = new MemoryQueue();
  const settings: {
    defaultRoleArn?: string;
    changeSetWait: ChangeSetWait;
    sweep: Partial<SweepSettings>;
    throttle?: ThrottleBackoff;
  } = {
    changeSetWait: { firstDelayMs: 1_000, maxDelayMs: 1_000, timeoutMs: 10_000 },
    sweep: { maxConcurrency: 3, pollFirstDelayMs: 1_000, pollMaxDelayMs: 4_000, safetyMarginMs: 0 },
  };
  const deps: SweepDriftDeps & { policy: ControlPlanePolicy } = {
    source,
    store,
    drift,
    clock,
    stacks,
    queue,
    notifier,
    driftNotifier,
    artifacts: new MemoryArtifacts(),
    random: () => 0.5,
    policy: testPolicy({ repositories: [REPOSITORY] }),
    settings,
  };
  let sequence = 0;
  /** Records a SUCCEEDED deployment of `stackName` at APPLIED, as the pipeline would. */
  const deploy = async (stackName: string) => {
    sequence += 1;
    const stack = { stackName, region: 'eu-west-1' };
    const key = stackKey(stack);
    const at = new Date(clock.now() - 3_600_000 + sequence).toISOString();
    const id = sortableId(Date.parse(at), new Uint8Array(10).fill(sequence % 256));
    const deployment: Deployment = {
      id,
      kind: 'deploy',
      stack,
      stackKey: key,
      repository: REPOSITORY,
      revision: APPLIED,
      status: 'SUCCEEDED',
      createdAt: at,
      updatedAt: at,
      version: 5,
    };
    await store.createDeployment(deployment, {
      subject: `deployment#${id}`,
      action: 'planning',
      actor: 'test',
      at,
    });
    await store.recordApplied(key, APPLIED, id, at);
    stacks.cfn.existing(stackName);
    return deployment;
  };
  for (const name of Object.keys(policies)) await deploy(name);
  return {
    deps,
    settings,
    source,
    revisions,
    store,
    drift,
    clock,
    stacks,
    notifier,
    driftNotifier,
    queue,
    deploy,
  };
}

/** `remainingMs` for a sweep that must stop `ms` after the clock's current time. */
export function deadlineIn(clock: ManualClock, ms: number): () => number {
  const deadline = clock.now() + ms;
  return () => deadline - clock.now();
}

export const keyOf = (stackName: string) => stackKey({ stackName, region: 'eu-west-1' });
