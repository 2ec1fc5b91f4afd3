import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import type { DeployWindow } from '../../../shared/domain/window/deploy-window.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { overrideWindow } from '../../../shared/use-cases/approval/override-window.ts';
import { setStackSuspended } from '../../../shared/use-cases/approval/suspend-stack.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { reconcileDeployments } from '../../../shared/use-cases/execution/reconcile-deployments.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { APPROVER, type ControlPipeline, controlPipeline } from './control-fixture.ts';
import { DEFAULT_APPROVAL, fixturePolicy, KEY, REV1, STACK } from './pipeline-fixture.ts';

/** The fixture's clock starts Sunday 2026-03-01 09:00Z, inside this freeze (08:00 to 10:00 UTC on Sundays). */
const SUNDAY_FREEZE: DeployWindow = {
  kind: 'deny',
  cron: '0 8 * * SUN',
  durationSeconds: 2 * 3600,
  timeZone: 'UTC',
  name: 'sunday freeze',
};
const FREEZE_ENDS = '2026-03-01T10:00:00.000Z';

/** A deployment of REV1 approved by APPROVER, planned under a policy with `windows`. */
async function approvedUnder(p: ControlPipeline, windows: readonly DeployWindow[]) {
  p.commit(REV1);
  p.deps.policy = { ...fixturePolicy({ ...DEFAULT_APPROVAL, approvers: [APPROVER] }), windows };
  const planned = await planStack(p.deps, p.planJob(REV1));
  await decideApproval(p.deps, {
    deploymentId: planned.id,
    approver: APPROVER,
    decision: 'approve',
    via: 'slack',
  });
  const deployment = (await p.store.getDeployment(planned.id))!;
  expect(deployment.status).toBe(DeploymentStatus.APPROVED);
  return deployment;
}

const executeJobs = (p: ControlPipeline, id: string) =>
  p.queue.sent.filter((sent) => sent.job.type === 'execute' && sent.job.deploymentId === id).length;

describe('deploy windows', () => {
  it('records the policy windows on the deployment when it is planned', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, [SUNDAY_FREEZE]);
    expect(deployment.windows).toEqual([{ from: 'control-plane policy', windows: [SUNDAY_FREEZE] }]);
  });

  it('holds an approved deployment inside a deny window: still APPROVED, nothing executed, people told when it may run', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, [SUNDAY_FREEZE]);
    const result = await executeDeployment(p.deps, { deploymentId: deployment.id });
    expect(result).toMatchObject({ outcome: 'held', hold: { kind: 'window', mayRunAt: FREEZE_ENDS } });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
    expect(p.stacks.executed).toEqual([]);
    expect((await p.store.getStackState(KEY))?.lock).toBeUndefined();
    const held = (await p.store.listAudit(`deployment#${deployment.id}`)).find((r) => r.action === 'held');
    expect(held).toMatchObject({ data: { hold: 'window', mayRunAt: FREEZE_ENDS } });
    expect(p.notifier.sent.at(-1)?.context.event).toContain(`may run at ${FREEZE_ENDS}`);
  });

  it('is released by reconcile once the window closes, and not before', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, [SUNDAY_FREEZE]);
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    const before = executeJobs(p, deployment.id);

    // Still inside the freeze (even past the stale threshold): reconcile leaves it waiting.
    p.clock.advance(50 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ held: 1, requeued: 0 });
    expect(executeJobs(p, deployment.id)).toBe(before);

    // The freeze ended: reconcile queues it, and it executes.
    p.clock.advance(10 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ held: 0, requeued: 1 });
    expect(executeJobs(p, deployment.id)).toBe(before + 1);
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'executing',
    });
  });

  it('an approver may override the window, with a reason, audited; then it executes', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, [SUNDAY_FREEZE]);
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    const result = await overrideWindow(p.deps, {
      deploymentId: deployment.id,
      requestedBy: APPROVER,
      reason: 'hotfix for INC-42',
    });
    expect(result).toMatchObject({ outcome: 'overridden' });
    const audit = await p.store.listAudit(`deployment#${deployment.id}`);
    expect(audit.find((r) => r.action === 'window-overridden')).toMatchObject({
      actor: APPROVER,
      reason: 'hotfix for INC-42',
    });
    expect(executeJobs(p, deployment.id)).toBeGreaterThan(1);
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'executing',
    });
  });

  it('refuses an override from someone who is not an approver, or without a reason, writing nothing', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, [SUNDAY_FREEZE]);
    const trail = (await p.store.listAudit(`deployment#${deployment.id}`)).length;
    const queued = p.queue.sent.length;
    const outsider = await overrideWindow(p.deps, {
      deploymentId: deployment.id,
      requestedBy: 'cli:mallory',
      reason: 'trust me',
    });
    expect(outsider).toMatchObject({ outcome: 'refused', code: 'NotAnApprover' });
    const blank = await overrideWindow(p.deps, {
      deploymentId: deployment.id,
      requestedBy: APPROVER,
      reason: '  ',
    });
    expect(blank).toMatchObject({ outcome: 'refused', code: 'ReasonRequired' });
    expect((await p.store.listAudit(`deployment#${deployment.id}`)).length).toBe(trail);
    expect(p.queue.sent.length).toBe(queued);
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'held',
    });
  });

  it('keeps the trusted converge.yaml windows on top of the policy, and a revision that drops them is a policy change', async () => {
    const p = controlPipeline();
    const withWindows =
      '{ required: 1, autoApprove: never }\n    windows: [{ kind: deny, cron: "0 8 * * SUN", duration: 2h, name: team freeze }]';
    await p.trust(withWindows);
    p.commit(REV1);
    p.deps.policy = { ...fixturePolicy({ ...DEFAULT_APPROVAL, approvers: [APPROVER] }), windows: [] };
    const planned = await planStack(p.deps, p.planJob(REV1));
    expect(planned.windows).toEqual([
      expect.objectContaining({
        from: expect.stringMatching(/^converge\.yaml at /),
        windows: [expect.objectContaining({ name: 'team freeze' })],
      }),
    ]);

    // A revision without the windows is held to the trusted ones, and flagged as a policy change.
    const REV2 = 'b2'.repeat(20);
    p.commit(REV2, {
      'converge.yaml': String(p.revisions[REV1]!['converge.yaml']).replace(/\n\s+windows:.*\n/, '\n'),
    });
    const dropped = await planStack(p.deps, p.planJob(REV2, { deliveryId: 'delivery-rev2' }));
    expect(dropped.windows?.[0]?.windows[0]?.name).toBe('team freeze');
    const planning = (await p.store.listAudit(`deployment#${dropped.id}`)).find(
      (r) => r.action === 'planning',
    );
    expect(JSON.stringify(planning?.data)).toContain(`windows of ${STACK} changed`);
  });
});

describe('suspend and resume', () => {
  it('holds executions while the stack is suspended, audited with who and why; resume queues them again', async () => {
    const p = controlPipeline();
    const deployment = await approvedUnder(p, []);
    const suspended = await setStackSuspended(
      p.deps,
      { stackName: STACK, requestedBy: APPROVER, reason: 'INC-42' },
      true,
    );
    expect(suspended).toMatchObject({
      outcome: 'suspended',
      stacks: [{ suspended: { by: APPROVER, reason: 'INC-42' } }],
    });
    expect(await p.store.listAudit(`stack#${KEY}`)).toEqual([
      expect.objectContaining({ action: 'suspended', actor: APPROVER, reason: 'INC-42' }),
    ]);

    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'held',
      hold: { kind: 'suspended' },
    });
    p.clock.advance(60 * 60_000);
    expect(await reconcileDeployments(p.deps)).toMatchObject({ held: 1, requeued: 0 });
    expect(p.stacks.executed).toEqual([]);

    const queued = executeJobs(p, deployment.id);
    const resumed = await setStackSuspended(p.deps, { stackName: STACK, requestedBy: APPROVER }, false);
    expect(resumed).toMatchObject({ outcome: 'resumed', released: [deployment.id] });
    expect((await p.store.getStackState(KEY))?.suspended).toBeUndefined();
    expect(executeJobs(p, deployment.id)).toBe(queued + 1);
    expect(await executeDeployment(p.deps, { deploymentId: deployment.id })).toMatchObject({
      outcome: 'executing',
    });
  });

  it('lets only an approver of the stack suspend it, and refuses an unknown stack', async () => {
    const p = controlPipeline();
    await approvedUnder(p, []);
    const refused = await setStackSuspended(p.deps, { stackName: STACK, requestedBy: 'cli:mallory' }, true);
    expect(refused).toMatchObject({ outcome: 'refused', code: 'NotAnApprover' });
    expect((await p.store.getStackState(KEY))?.suspended).toBeUndefined();
    expect(await p.store.listAudit(`stack#${KEY}`)).toEqual([]);
    await expect(
      setStackSuspended(p.deps, { stackName: 'no-such-stack', requestedBy: APPROVER }, true),
    ).rejects.toThrow(/no state for a stack named no-such-stack/);
  });

  it('suspending twice writes once', async () => {
    const p = controlPipeline();
    await approvedUnder(p, []);
    await setStackSuspended(p.deps, { stackName: STACK, requestedBy: APPROVER, reason: 'first' }, true);
    const again = await setStackSuspended(
      p.deps,
      { stackName: STACK, requestedBy: APPROVER, reason: 'second' },
      true,
    );
    expect(again).toMatchObject({ unchanged: [KEY], stacks: [{ suspended: { reason: 'first' } }] });
    expect((await p.store.listAudit(`stack#${KEY}`)).length).toBe(1);
  });
});
