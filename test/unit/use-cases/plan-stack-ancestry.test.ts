import { describe, expect, it } from 'vitest';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { closeOnStackEvent } from '../../../shared/use-cases/execution/close-on-stack-event.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import {
  approved,
  CONVERGE_TAGS,
  convergeYaml,
  KEY,
  pipeline,
  REV1,
  REV2,
  REV3,
  STACK,
} from './pipeline-fixture.ts';

/** A commit on a rewritten history: a child of REV1 that is not REV2 (REV2 force-pushed away). */
const REWRITTEN = 'd4'.repeat(20);

/** The approval rule of converge.yaml at every revision once the stack has one applied. */
const AUTO_APPROVE = '{ required: 1, autoApprove: always }';

/** REV1 ← REV2 ← REV3 on main, and REWRITTEN ← REV1 on the history that replaced them. */
function linearPipeline(approval?: string) {
  const p = pipeline();
  const files: Record<string, string> = approval ? { 'converge.yaml': convergeYaml(approval) } : {};
  for (const revision of [REV1, REV2, REV3, REWRITTEN]) p.commit(revision, files);
  p.source.history({ [REV1]: [], [REV2]: [REV1], [REV3]: [REV2], [REWRITTEN]: [REV1] });
  return p;
}

/** Approves, executes and completes `revision`: the stack then has it applied. */
async function applied(p: ReturnType<typeof pipeline>, revision: string) {
  const planned = await planStack(p.deps, p.planJob(revision));
  await decideApproval(p.deps, {
    deploymentId: planned.id,
    approver: 'slack:U0BOB',
    decision: 'approve',
    via: 'slack',
  });
  const deployment = (await p.store.getDeployment(planned.id))!;
  expect(deployment.status).toBe(DeploymentStatus.APPROVED);
  await executeDeployment(p.deps, { deploymentId: deployment.id });
  const status = p.stacks.finish(STACK, 'success');
  await closeOnStackEvent(p.deps, {
    stackId: p.stacks.stackId(STACK),
    status,
    clientRequestToken: deployment.id,
  });
  return (await p.store.getDeployment(deployment.id))!;
}

describe('planStack orders revisions by Git history', () => {
  it('records the late delivery of an applied revision’s parent as stale and plans nothing', async () => {
    const p = linearPipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const lateJob = p.planJob(REV1); // arrived first, planned last
    p.clock.advance(1_000);
    const child = await applied(p, REV2);
    const changeSets = p.stacks.created.length;

    const late = await planStack(p.deps, lateJob);

    expect(late.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(late.reason?.code).toBe(ReasonCode.STALE_REVISION);
    expect(late.reason?.message).toContain(REV2.slice(0, 12));
    expect(late.changeSet).toBeUndefined();
    expect(p.stacks.created).toHaveLength(changeSets);
    expect(await p.store.getStackState(KEY)).toMatchObject({
      lastAppliedRevision: REV2,
      lastAttemptedRevision: REV2,
      lastAttemptedDeploymentId: child.id,
    });
  });

  it('refuses an ancestor of a pending revision, whichever was delivered first', async () => {
    const p = linearPipeline();
    const pending = await planStack(p.deps, p.planJob(REV2));
    p.clock.advance(1_000);
    const late = await planStack(p.deps, p.planJob(REV1));
    expect(late.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(late.reason?.code).toBe(ReasonCode.STALE_REVISION);
    expect((await p.store.getDeployment(pending.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect((await p.store.getStackState(KEY))?.lastAttemptedDeploymentId).toBe(pending.id);
  });

  it('lets a descendant that arrived first but was planned last supersede its pending ancestor', async () => {
    const p = linearPipeline();
    const childJob = p.planJob(REV3); // arrived first: the smaller deployment id
    p.clock.advance(1_000);
    const parent = await planStack(p.deps, p.planJob(REV2));
    const child = await planStack(p.deps, childJob);
    expect(child.id < parent.id).toBe(true);
    expect(child.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect((await p.store.getDeployment(parent.id))?.status).toBe(DeploymentStatus.SUPERSEDED);
    expect((await p.store.getStackState(KEY))?.lastAttemptedDeploymentId).toBe(child.id);
  });

  it('executes the descendant, never the ancestor, even when the ancestor is approved', async () => {
    const p = linearPipeline();
    const childJob = p.planJob(REV3);
    p.clock.advance(1_000);
    const parent = await approved(p, REV2);
    const child = await planStack(p.deps, childJob);
    expect(await executeDeployment(p.deps, { deploymentId: parent.id })).toMatchObject({
      outcome: 'skipped',
    });
    expect(p.stacks.executed).toEqual([]);
    expect((await p.store.getDeployment(parent.id))?.status).toBe(DeploymentStatus.SUPERSEDED);
    expect((await p.store.getDeployment(child.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  it('supersedes instead of executing when a descendant with a smaller id claimed the stack but has not superseded it yet', async () => {
    const p = linearPipeline();
    const childId = deploymentId(p.clock.now(), 'child');
    p.clock.advance(1_000);
    const parent = await approved(p, REV2);
    expect(await p.store.recordAttempt(KEY, REV3, childId, p.clock.iso(), { deploymentId: parent.id })).toBe(
      true,
    );
    expect(await executeDeployment(p.deps, { deploymentId: parent.id })).toMatchObject({
      outcome: 'superseded',
      deployment: { status: DeploymentStatus.SUPERSEDED },
    });
    expect(p.stacks.executed).toEqual([]);
  });

  it('plans the same revision again as a re-run', async () => {
    const p = linearPipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    await applied(p, REV2);
    p.clock.advance(1_000);
    const again = await planStack(p.deps, p.planJob(REV2, { deliveryId: 'replan' }));
    expect(again.reason?.code).not.toBe(ReasonCode.STALE_REVISION);
    expect(again.status).not.toBe(DeploymentStatus.SUPERSEDED);
  });

  it('asks a person, flagged "history rewritten", for a revision on a rewritten history even when the rule auto-approves', async () => {
    const p = linearPipeline(AUTO_APPROVE);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    await applied(p, REV2);
    p.clock.advance(1_000);
    const rewritten = await planStack(p.deps, p.planJob(REWRITTEN));
    expect(rewritten.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(rewritten.historyRewritten).toEqual({ from: REV2 });
    expect((await p.store.getDeployment(rewritten.id))?.historyRewritten).toEqual({ from: REV2 });
    expect(await p.store.listApprovals(rewritten.id)).toEqual([]);
    expect(p.queue.sent.filter((m) => JSON.stringify(m.job).includes(rewritten.id))).toEqual([]);
    const message = p.notifier.sent.filter((n) => n.deployment.id === rewritten.id).at(-1);
    expect(message?.deployment.historyRewritten).toEqual({ from: REV2 });
    expect(message?.context.event).toMatch(/history rewritten/i);
  });

  it('treats an applied revision that is gone from the repository as a rewritten history', async () => {
    const p = linearPipeline();
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    await applied(p, REV2);
    p.source.history({ [REWRITTEN]: [REV1], [REV1]: [] }); // REV2 garbage-collected after a force push
    p.clock.advance(1_000);
    const rewritten = await planStack(p.deps, p.planJob(REWRITTEN));
    expect(rewritten.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(rewritten.historyRewritten).toEqual({ from: REV2 });
  });

  it('still auto-approves a descendant when the rule says so', async () => {
    const p = linearPipeline(AUTO_APPROVE);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    await applied(p, REV2);
    p.clock.advance(1_000);
    const next = await planStack(p.deps, p.planJob(REV3));
    expect(next.status).toBe(DeploymentStatus.APPROVED);
    expect(next.historyRewritten).toBeUndefined();
  });
});
