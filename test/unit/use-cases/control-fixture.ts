import type { ApprovalRequirement } from '../../../shared/domain/approval/approval.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { moveDeployment } from '../../../shared/use-cases/deployment/move-deployment.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { awaitingApproval, CONVERGE_TAGS, executing, pipeline, REV1, STACK } from './pipeline-fixture.ts';

/** The control-plane approver of these tests (the pipeline's default rule names nobody). */
export const APPROVER = 'slack:U0BOB';

/** The pipeline, with the control-plane policy that retry and cancel read for rules naming nobody. */
export function controlPipeline() {
  const p = pipeline();
  const deps = { ...p.deps };
  // The pipeline's helpers set their own policy for first deployments; where it names nobody,
  // the control-plane approver is APPROVER.
  let base = p.deps.policy;
  Object.defineProperty(deps, 'policy', {
    enumerable: true,
    get: () => ({ ...base, approvers: base.approvers.length > 0 ? base.approvers : [APPROVER] }),
    set: (policy: typeof base) => {
      base = policy;
    },
  });
  return { ...p, deps };
}

export type ControlPipeline = ReturnType<typeof controlPipeline>;

/** Everything a refusal must leave alone: the deployment, its votes and audit trail, the queue, CloudFormation. */
export async function snapshot(p: ControlPipeline, id: string) {
  return {
    deployment: await p.store.getDeployment(id),
    approvals: await p.store.listApprovals(id),
    audit: await p.store.listAudit(`deployment#${id}`),
    queued: p.queue.sent.length,
    deleted: [...p.stacks.deleted],
  };
}

/** A deployment of REV1 whose update of the existing stack rolled back. */
export async function failed(p: ControlPipeline, revision = REV1): Promise<Deployment> {
  p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
  const running = await executing(p, revision);
  p.stacks.finish(STACK, 'rollback');
  const reason = { code: ReasonCode.ROLLED_BACK, message: 'The update rolled back.' };
  return (await moveDeployment(
    p.deps,
    running,
    { type: 'EXECUTION_FAILED', reason },
    { action: 'failed', actor: 'system:test' },
  ))!;
}

/** A deployment of REV1 that ended in `status`, reached the way the pipeline reaches it. */
export async function ended(
  p: ControlPipeline,
  status: 'FAILED' | 'EXPIRED' | 'PLAN_FAILED' | 'SUCCEEDED' | 'NO_CHANGES' | 'REJECTED',
  approval: Partial<ApprovalRequirement> = {},
): Promise<Deployment> {
  switch (status) {
    case 'FAILED':
      return failed(p);
    case 'SUCCEEDED': {
      p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
      const running = await executing(p);
      p.stacks.finish(STACK, 'success');
      return (await moveDeployment(
        p.deps,
        running,
        { type: 'EXECUTION_SUCCEEDED' },
        { action: 'succeeded', actor: 'system:test' },
      ))!;
    }
    case 'PLAN_FAILED':
    case 'NO_CHANGES': {
      p.stacks.script(
        STACK,
        status === 'NO_CHANGES' ? { kind: 'empty' } : { kind: 'failed', reason: 'Throttling: Rate exceeded' },
      );
      p.commit(REV1);
      return planStack(p.deps, p.planJob(REV1));
    }
    case 'EXPIRED': {
      const waiting = await awaitingApproval(p, approval);
      p.clock.advance(2 * 3600_000);
      return (await moveDeployment(
        p.deps,
        waiting,
        { type: 'EXPIRED' },
        { action: 'expired', actor: 'system:test' },
      ))!;
    }
    case 'REJECTED': {
      const waiting = await awaitingApproval(p, approval);
      return (await moveDeployment(
        p.deps,
        waiting,
        { type: 'REJECTED' },
        { action: 'rejected', actor: APPROVER },
      ))!;
    }
  }
}
