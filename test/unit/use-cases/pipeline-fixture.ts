import { ManualClock } from '../../../shared/adapters/memory/manual-clock.ts';
import { MemoryArtifacts } from '../../../shared/adapters/memory/memory-artifacts.ts';
import { MemoryNotifier } from '../../../shared/adapters/memory/memory-notifier.ts';
import { MemoryQueue } from '../../../shared/adapters/memory/memory-queue.ts';
import { MemoryStacks } from '../../../shared/adapters/memory/memory-stacks.ts';
import { MemoryStore } from '../../../shared/adapters/memory/memory-store.ts';
import type { ApprovalRequirement } from '../../../shared/domain/approval/approval.ts';
import { stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { sortableId } from '../../../shared/domain/ids.ts';
import type { ControlPlanePolicy } from '../../../shared/domain/policy/control-plane-policy.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { type PlanDeps, type PlanJob, planStack } from '../../../shared/use-cases/planning/plan-stack.ts';

import { type MemoryRevisions, MemorySource } from '../../support/memory-source.ts';
import { testPolicy } from '../../support/test-policy.ts';

export const REPOSITORY = 'acme/infrastructure';
export const STACK = 'network-prod';
export const KEY = stackKey({ stackName: STACK, region: 'eu-west-1' });
/** A revision applied before the tests' own (the trusted configuration, see `trust`). */
export const REV0 = 'f0'.repeat(20);
export const REV1 = 'a1'.repeat(20);
export const REV2 = 'b2'.repeat(20);
export const REV3 = 'c3'.repeat(20);

export const TEMPLATE = 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n';

/** converge.yaml with one stack whose approval rule is `approval` (YAML flow map). */
export function convergeYaml(approval = '{ required: 1, autoApprove: never }'): string {
  return [
    'version: 1',
    'defaults:',
    '  region: eu-west-1',
    '  branch: main',
    'stacks:',
    `  - name: ${STACK}`,
    '    template: stacks/network.yaml',
    '    parameters: stacks/network.prod.json',
    '    capabilities: [CAPABILITY_IAM]',
    '    roleArn: arn:aws:iam::123456789012:role/cfn-deployer',
    `    approval: ${approval}`,
    '',
  ].join('\n');
}

export const DEFAULT_APPROVAL: ApprovalRequirement = {
  required: 1,
  approvers: [],
  allowSelfApproval: false,
  autoApprove: 'never',
  ttlSeconds: 3600,
};

/**
 * The control-plane policy serving REPOSITORY whose rule for first deployments is `approval`'s
 * count and approvers (no approvers: any identity the gate accepts, for tests of the gate itself).
 */
export function fixturePolicy(
  approval: Pick<ApprovalRequirement, 'required' | 'approvers'>,
): ControlPlanePolicy {
  return {
    ...testPolicy({ repositories: [REPOSITORY], floor: approval.required }),
    approvers: approval.approvers,
  };
}

/** The tag Converge sets on the stacks it creates: a live stack carrying it is no adoption. */
export const CONVERGE_TAGS = { 'converge:repository': REPOSITORY } as const;

/** Every in-memory adapter the pipeline's use cases need, wired together. */
export function pipeline() {
  const revisions: MemoryRevisions = {};
  const source = new MemorySource(revisions);
  const store = new MemoryStore();
  const queue = new MemoryQueue();
  const clock = new ManualClock(Date.parse('2026-03-01T09:00:00.000Z'));
  const stacks = new MemoryStacks();
  const artifacts = new MemoryArtifacts();
  const notifier = new MemoryNotifier();
  const deps = {
    source,
    store,
    queue,
    clock,
    stacks,
    artifacts,
    notifier,
    policy: fixturePolicy(DEFAULT_APPROVAL),
    settings: { lockLeaseMs: 3_600_000 } as PlanDeps['settings'] & { lockLeaseMs: number },
  };
  let trustedYaml = convergeYaml();
  /** Commits a revision with converge.yaml, the template and parameters. */
  const commit = (revision: string, files: Record<string, string> = {}) => {
    revisions[revision] = {
      'converge.yaml': trustedYaml,
      'stacks/network.yaml': TEMPLATE,
      'stacks/network.prod.json': '{ "VpcCidr": "10.0.0.0/16" }',
      ...files,
    };
  };
  /** A plan job for a revision, requested `offsetMs` after the fixture's start. */
  const planJob = (revision: string, overrides: Partial<PlanJob> = {}): PlanJob => ({
    type: 'plan',
    kind: 'deploy',
    repository: REPOSITORY,
    revision,
    stackName: STACK,
    stackKey: KEY,
    requestedAt: clock.now(),
    deliveryId: `delivery-${revision.slice(0, 4)}`,
    author: 'alice',
    ...overrides,
  });
  /**
   * Makes `approval` the stack's trusted rule: REV0 with it applied by REPOSITORY, and every later
   * commit keeping the same converge.yaml (so it is no policy change).
   */
  const trust = async (approval: string) => {
    trustedYaml = convergeYaml(approval);
    commit(REV0);
    const at = new Date(clock.now() - 60_000).toISOString();
    await store.recordApplied(KEY, REV0, sortableId(Date.parse(at), new Uint8Array(10)), at);
    await store.claimStack(KEY, REPOSITORY, at);
  };
  return {
    deps,
    source,
    revisions,
    store,
    queue,
    clock,
    stacks,
    artifacts,
    notifier,
    commit,
    planJob,
    trust,
  };
}

/** A deployment of REV1 awaiting approval under `approval` (the control-plane rule). */
export async function awaitingApproval(
  p: ReturnType<typeof pipeline>,
  approval: Partial<ApprovalRequirement> = {},
  revision = REV1,
) {
  p.commit(revision);
  p.deps.policy = fixturePolicy({ ...DEFAULT_APPROVAL, ...approval });
  const deployment = await planStack(p.deps, p.planJob(revision));
  if (deployment.status !== 'AWAITING_APPROVAL') throw new Error(`fixture: ${deployment.status}`);
  return deployment;
}

/** A deployment of `revision` approved by a person, with its execute job queued. */
export async function approved(p: ReturnType<typeof pipeline>, revision = REV1) {
  const deployment = await awaitingApproval(p, {}, revision);
  await decideApproval(p.deps, {
    deploymentId: deployment.id,
    approver: 'slack:U0BOB',
    decision: 'approve',
    via: 'slack',
  });
  return (await p.store.getDeployment(deployment.id))!;
}

/** A deployment of `revision` executing on the fake CloudFormation. */
export async function executing(p: ReturnType<typeof pipeline>, revision = REV1) {
  const deployment = await approved(p, revision);
  await executeDeployment(p.deps, { deploymentId: deployment.id });
  return (await p.store.getDeployment(deployment.id))!;
}
