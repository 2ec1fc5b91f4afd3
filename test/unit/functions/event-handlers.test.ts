import { describe, expect, it } from 'vitest';
import { reconcileHandler } from '../../../functions/reconcile/handler.ts';
import { type StackStatusChangeEvent, stackEventsHandler } from '../../../functions/stack-events/handler.ts';
import { MemoryCodeReview } from '../../../shared/adapters/memory/memory-code-review.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { parsePolicy } from '../../../shared/domain/policy/parse-policy.ts';
import { CONVERGE_ON_GIT_TASK } from '../../../shared/use-cases/git-poll/converge-on-git.ts';
import {
  awaitingApproval,
  executing,
  pipeline,
  REPOSITORY,
  REV1,
  STACK,
} from '../use-cases/pipeline-fixture.ts';

const policy = parsePolicy(
  `version: 1\nrepositories:\n  ${REPOSITORY}: { branches: [main], stacks: ["*"] }\napprovers: [slack:U0BOB]\n`,
  { file: 'policy.yaml' },
);

/** A "CloudFormation Stack Status Change" event as EventBridge delivers it (CloudFormation User Guide). */
function stackStatusChange(detail: StackStatusChangeEvent['detail']): StackStatusChangeEvent {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'CloudFormation Stack Status Change',
    source: 'aws.cloudformation',
    account: '123456789012',
    time: '2026-03-01T09:05:00Z',
    region: 'eu-west-1',
    resources: [detail['stack-id'] ?? ''],
    detail,
  };
}

describe('stack-events handler', () => {
  it('finishes the executing deployment the event names', async () => {
    const p = pipeline();
    const deployment = await executing(p);
    const status = p.stacks.finish(STACK, 'success');
    const result = await stackEventsHandler(p.deps)(
      stackStatusChange({
        'stack-id': p.stacks.stackId(STACK),
        'status-details': { status, 'status-reason': '' },
        'client-request-token': deployment.id,
      }),
    );
    expect(result).toMatchObject({ outcome: 'closed', deployment: { status: DeploymentStatus.SUCCEEDED } });
  });

  it('ignores an event without a status', async () => {
    const p = pipeline();
    expect(await stackEventsHandler(p.deps)(stackStatusChange({ 'stack-id': 'x' }))).toMatchObject({
      outcome: 'ignored',
    });
  });
});

describe('reconcile handler', () => {
  it('expires approval requests past their time', async () => {
    const p = pipeline();
    const deployment = await awaitingApproval(p);
    p.clock.advance(3_600_000);
    expect(
      await reconcileHandler({ ...p.deps, policy, codeReview: new MemoryCodeReview() })({} as never),
    ).toEqual({
      closed: 0,
      resumed: 0,
      rechecked: 0,
      expired: 1,
      abandoned: 0,
      requeued: 0,
      held: 0,
    });
    expect((await p.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.EXPIRED);
  });

  it('polls Git on the converge-on-git schedule task, and only then', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.source.setBranch('main', REV1);
    const handle = reconcileHandler({ ...p.deps, policy, codeReview: new MemoryCodeReview() });
    await handle({ detail: {} } as never);
    expect(p.queue.jobs('plan')).toEqual([]);
    const result = await handle({ detail: { task: CONVERGE_ON_GIT_TASK } } as never);
    expect(result).toMatchObject({ stacks: [{ stackName: STACK, decision: 'planned' }] });
    expect(p.queue.jobs('plan').map((job) => job.revision)).toEqual([REV1]);
  });

  it('leaves a head younger than the schedule’s minCommitAgeSeconds to its webhook', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.source.setBranch('main', REV1);
    // The in-memory commit is dated two months before the fixture clock.
    const event = { detail: { task: CONVERGE_ON_GIT_TASK, minCommitAgeSeconds: 90 * 24 * 3600 } };
    const result = await reconcileHandler({ ...p.deps, policy, codeReview: new MemoryCodeReview() })(
      event as never,
    );
    expect(result).toMatchObject({ stacks: [{ stackName: STACK, decision: 'recent' }] });
    expect(p.queue.jobs('plan')).toEqual([]);
  });
});
