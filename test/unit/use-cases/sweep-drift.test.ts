import { describe, expect, it } from 'vitest';
import type { CfnChange } from '../../../shared/domain/change-set/change.ts';
import { SweepStackState } from '../../../shared/domain/drift/drift-sweep.ts';
import { DriftSweepInputError } from '../../../shared/use-cases/drift/drift-sweep-input-error.ts';
import { sweepDrift } from '../../../shared/use-cases/drift/sweep-drift.ts';
import { testPolicy } from '../../support/test-policy.ts';
import { APPLIED, deadlineIn, driftWorld, keyOf, QUEUE_DRIFT, REPOSITORY } from './drift-fixture.ts';

const HOUR = 3_600_000;

function names(count: number, mode = '{ mode: report }'): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`app-${String(i).padStart(3, '0')}`, mode]),
  );
}

describe('sweepDrift', () => {
  it('reports each drifted property with its path, expected and actual value under the report policy', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    const result = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(result).toMatchObject({ finished: true, started: 1, counts: { done: 1 } });
    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.action).toBe('report');
    expect(record?.report.resources).toEqual([
      expect.objectContaining({
        logicalId: 'Queue',
        status: 'MODIFIED',
        differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '60', type: 'NOT_EQUAL' }],
      }),
    ]);
    expect(world.driftNotifier.sent.map((r) => r.stackKey)).toEqual([keyOf('app-000')]);
    const audit = await world.store.listAudit(`stack#${keyOf('app-000')}`);
    expect(audit.map((a) => a.action)).toEqual(['drift-report']);
    expect(audit[0]?.data).toMatchObject({
      drifted: [
        { logicalId: 'Queue', differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '60' }] },
      ],
    });
  });

  it('records a stack in sync as action none and tells nobody', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.action).toBe('none');
    expect(world.driftNotifier.sent).toEqual([]);
  });

  it('lists resources drift detection left out as NOT_CHECKED, never as in sync', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: report }' });
    world.stacks.drifts.set('app-000', [{ ...QUEUE_DRIFT, status: 'IN_SYNC', differences: [] }]);
    world.stacks.resources.set('app-000', [
      { logicalId: 'Queue', resourceType: 'AWS::SQS::Queue' },
      { logicalId: 'Waiter', resourceType: 'AWS::CloudFormation::WaitConditionHandle' },
    ]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.report.resources.map((r) => [r.logicalId, r.status])).toEqual([
      ['Queue', 'IN_SYNC'],
      ['Waiter', 'NOT_CHECKED'],
    ]);
    expect(record?.why).toMatch(/1 resources not checked/);
  });

  it('never runs more detections at once than maxConcurrency, and starts each stack exactly once', async () => {
    const world = await driftWorld(names(20));

    const result = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(result.finished).toBe(true);
    expect(world.stacks.maxInFlight).toBe(3);
    expect(world.stacks.startedFor.toSorted()).toEqual(Object.keys(names(20)));
    expect((await world.drift.getSweep(result.sweepId))?.inFlight).toBe(0);
  });

  it('backs off with jitter when DetectStackDrift is throttled and still detects every stack once', async () => {
    const world = await driftWorld(names(12));
    world.stacks.throttle = (call) => call <= 4 || call % 3 === 0;

    const result = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(result.finished).toBe(true);
    expect(world.stacks.throttled).toBeGreaterThan(4);
    expect(world.stacks.startedFor.toSorted()).toEqual(Object.keys(names(12)));
    // random() is 0.5: the first waits are half of 500, 1000, 2000 ms.
    expect(world.clock.sleeps).toEqual(expect.arrayContaining([250, 500, 1000]));
  });

  it('gives a stack back to pending when throttling outlasts the backoff, and the next run detects it', async () => {
    const world = await driftWorld(names(1));
    world.settings.throttle = { firstDelayMs: 100, maxDelayMs: 100, maxAttempts: 2 };
    world.stacks.throttle = () => true;
    const first = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, 5_000),
    });
    expect(first).toMatchObject({ finished: false, counts: { pending: 1, detecting: 0 } });

    world.stacks.throttle = () => false;
    const second = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-2',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(second).toMatchObject({
      sweepId: first.sweepId,
      created: false,
      finished: true,
      counts: { done: 1 },
    });
    expect(world.stacks.startsOf('app-000')).toBe(1);
  });

  it('continues an unfinished sweep in the next invocation without repeating a detection', async () => {
    const world = await driftWorld(names(15));
    const first = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, 8_000),
    });
    expect(first.finished).toBe(false);
    expect(first.counts.pending).toBeGreaterThan(0);

    const second = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-2',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(second).toMatchObject({
      sweepId: first.sweepId,
      created: false,
      finished: true,
      counts: { done: 15 },
    });
    expect(world.stacks.startedFor.toSorted()).toEqual(Object.keys(names(15)));
  });

  it('finishes a detection left running at the deadline by polling it in the next run, without starting it again', async () => {
    const world = await driftWorld(names(1));
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    world.stacks.pollsToComplete = 3;
    const first = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, 2_500),
    });
    expect(first.counts).toMatchObject({ detecting: 1 });

    const second = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-2',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(second).toMatchObject({ finished: true, started: 0, settled: 1 });
    expect(world.stacks.startsOf('app-000')).toBe(1);
    expect(world.driftNotifier.sent).toHaveLength(1);
  });

  it('lets two overlapping invocations share one sweep without starting any detection twice or passing the bound', async () => {
    const world = await driftWorld(names(30));
    const first = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-0',
      remainingMs: () => 0,
    });

    await Promise.all([
      sweepDrift(world.deps, {
        requestedBy: 'system:schedule',
        owner: 'inv-1',
        remainingMs: deadlineIn(world.clock, HOUR),
      }),
      sweepDrift(world.deps, {
        requestedBy: 'system:schedule',
        owner: 'inv-2',
        remainingMs: deadlineIn(world.clock, HOUR),
      }),
    ]);

    expect(world.stacks.startedFor.toSorted()).toEqual(Object.keys(names(30)));
    expect(world.stacks.maxInFlight).toBeLessThanOrEqual(3);
    expect((await world.drift.getSweep(first.sweepId))?.finishedAt).toBeDefined();
  });

  it('skips a stack with a deployment in flight and checks it on the next sweep', async () => {
    const world = await driftWorld(names(2));
    const busy = await world.store.listDeployments(keyOf('app-001'));
    await world.store.createDeployment(
      { ...busy[0]!, id: `${busy[0]!.id.slice(0, 25)}Z`, status: 'AWAITING_APPROVAL' },
      { subject: 'deployment#busy', action: 'fixture', actor: 'test', at: world.clock.iso() },
    );

    const result = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(result.counts).toMatchObject({ done: 1, skipped: 1 });
    expect(world.stacks.startsOf('app-001')).toBe(0);
    const skipped = await world.drift.getSweepStack(result.sweepId, keyOf('app-001'));
    expect(skipped).toMatchObject({ state: SweepStackState.SKIPPED, action: 'skip' });
    expect((await world.store.listAudit(`stack#${keyOf('app-001')}`)).map((a) => a.action)).toEqual([
      'drift-skip',
    ]);
  });

  it('skips a stack whose detection CloudFormation refuses, with its reason', async () => {
    const world = await driftWorld(names(1));
    world.stacks.refuse.set('app-000', 'Stack is in UPDATE_IN_PROGRESS state');

    const result = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(await world.drift.getSweepStack(result.sweepId, keyOf('app-000'))).toMatchObject({
      state: 'skipped',
      reason: expect.stringContaining('UPDATE_IN_PROGRESS'),
    });
  });

  it('reports nothing when an ignore rule covers the only drift, and records what it ignored', async () => {
    const world = await driftWorld({
      'app-000': "{ mode: revert, ignore: ['Queue/Properties/VisibilityTimeout'] }",
    });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.action).toBe('none');
    expect(record?.report.ignored).toEqual([
      { logicalId: 'Queue', path: '/VisibilityTimeout', rule: 'Queue/Properties/VisibilityTimeout' },
    ]);
    expect(world.stacks.cfn.created).toEqual([]);
    expect(world.driftNotifier.sent).toEqual([]);
  });

  it('proposes a REVERT_DRIFT change set of the last applied revision for approval under the revert policy', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    const deployment = await world.store.getDeployment(record!.deploymentId!);
    expect(deployment).toMatchObject({
      kind: 'revert-drift',
      revision: APPLIED,
      status: 'AWAITING_APPROVAL',
    });
    expect(world.stacks.cfn.created).toEqual([
      expect.objectContaining({
        deploymentMode: 'REVERT_DRIFT',
        changeSetType: 'UPDATE',
        clientToken: deployment!.id,
      }),
    ]);
    expect(world.queue.sent).toEqual([]);
    const message = world.notifier.sent.at(-1);
    expect(message?.context).toMatchObject({
      awaitingApproval: true,
      drift: [expect.objectContaining({ logicalId: 'Queue' })],
    });
  });

  it('reverts without approval under revert-auto when the revert removes and replaces nothing', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert-auto }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.action).toBe('auto-revert');
    expect(await world.store.getDeployment(record!.deploymentId!)).toMatchObject({ status: 'APPROVED' });
    expect(world.queue.sent.map((m) => m.job)).toEqual([
      { type: 'execute', deploymentId: record!.deploymentId, stackKey: keyOf('app-000') },
    ]);
  });

  it('asks a person under revert-auto when the revert would replace a resource', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert-auto }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    const replacing: CfnChange = {
      Type: 'Resource',
      ResourceChange: {
        Action: 'Modify',
        LogicalResourceId: 'Queue',
        ResourceType: 'AWS::SQS::Queue',
        Replacement: 'True',
        Scope: ['Properties'],
        Details: [{ Target: { Attribute: 'Properties', Name: 'FifoQueue', RequiresRecreation: 'Always' } }],
      },
    };
    world.stacks.cfn.script('app-000', { kind: 'changes', changes: [replacing] });

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record).toMatchObject({
      action: 'propose-revert',
      why: expect.stringContaining('1 replacement(s)'),
    });
    expect(await world.store.getDeployment(record!.deploymentId!)).toMatchObject({
      status: 'AWAITING_APPROVAL',
    });
    expect(world.queue.sent).toEqual([]);
  });

  it("plans a drift revert with the control-plane role when the stack's configuration names none, as a deploy does", async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert }' });
    world.settings.defaultRoleArn = 'arn:aws:iam::123456789012:role/converge-cloudformation';
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(world.stacks.cfn.created).toEqual([
      expect.objectContaining({
        deploymentMode: 'REVERT_DRIFT',
        roleArn: 'arn:aws:iam::123456789012:role/converge-cloudformation',
      }),
    ]);
  });

  it('retries a drift revert of a busy stack instead of failing it, and plans it once the stack is free', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert }' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);
    world.stacks.cfn.operationStarted('app-000');

    const busy = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, 60_000),
    });

    expect(busy.finished).toBe(false);
    expect(busy.counts.detecting).toBe(1);
    expect(world.stacks.cfn.created).toEqual([]);
    const planning = await world.store.listDeployments(keyOf('app-000'));
    const revert = planning.find((d) => d.kind === 'revert-drift');
    expect(revert).toMatchObject({ status: 'PLANNING' });

    world.stacks.cfn.finish('app-000', 'success');
    const freed = await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-2',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(freed.finished).toBe(true);
    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(record?.deploymentId).toBe(revert!.id);
    expect(await world.store.getDeployment(revert!.id)).toMatchObject({ status: 'AWAITING_APPROVAL' });
    expect(world.stacks.cfn.created).toHaveLength(1);
  });

  it('gates a drift revert by the trusted rule held to the policy: approvers [] are the control-plane approvers', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert }' });
    world.deps.policy = testPolicy({ repositories: [REPOSITORY], approvers: ['slack:U0APPROVER'], floor: 2 });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(await world.store.getDeployment(record!.deploymentId!)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      approval: { approvers: ['slack:U0APPROVER'], required: 2, autoApprove: 'never' },
    });
  });

  it('never reverts automatically when the policy turns auto-approval off', async () => {
    const world = await driftWorld({ 'app-000': '{ mode: revert-auto }' });
    world.deps.policy = testPolicy({ repositories: [REPOSITORY], autoApprove: 'never' });
    world.stacks.drifts.set('app-000', [QUEUE_DRIFT]);

    await sweepDrift(world.deps, {
      requestedBy: 'system:schedule',
      owner: 'inv-1',
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    const [record] = await world.drift.listDriftRecords(keyOf('app-000'));
    expect(await world.store.getDeployment(record!.deploymentId!)).toMatchObject({
      status: 'AWAITING_APPROVAL',
    });
    expect(world.queue.sent).toEqual([]);
  });

  it('sweeps only the named stacks on demand', async () => {
    const world = await driftWorld(names(3));

    const result = await sweepDrift(world.deps, {
      requestedBy: 'cli:alice',
      owner: 'cli',
      stackNames: ['app-001'],
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    expect(result.counts).toMatchObject({ done: 1 });
    expect(world.stacks.startedFor).toEqual(['app-001']);
  });

  it('refuses a stack name Converge does not manage and starts nothing', async () => {
    const world = await driftWorld(names(1));

    const sweep = sweepDrift(world.deps, {
      requestedBy: 'cli:alice',
      owner: 'cli',
      stackNames: ['app-999'],
      remainingMs: deadlineIn(world.clock, HOUR),
    });

    await expect(sweep).rejects.toThrow(DriftSweepInputError);
    await expect(sweep).rejects.toThrow(/app-999/);
    expect(await world.drift.listSweeps()).toEqual([]);
    expect(world.stacks.detectCalls).toBe(0);
  });

  it('refuses a maxConcurrency below one before touching anything', async () => {
    const world = await driftWorld(names(1));
    world.settings.sweep = { maxConcurrency: 0 };

    await expect(
      sweepDrift(world.deps, {
        requestedBy: 'system:schedule',
        owner: 'inv-1',
        remainingMs: deadlineIn(world.clock, HOUR),
      }),
    ).rejects.toThrow(/maxConcurrency must be at least 1/);
    expect(await world.drift.listSweeps()).toEqual([]);
  });
});
