import { describe, expect, it } from 'vitest';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { cleanupPreview } from '../../../shared/use-cases/planning/cleanup-preview.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { KEY, pipeline, REPOSITORY, REV1, STACK } from './pipeline-fixture.ts';

const job = { type: 'cleanup-preview', repository: REPOSITORY, pullRequest: 7, stackKey: KEY } as const;

describe('cleanupPreview', () => {
  it('deletes the preview change set and the empty stack a CREATE preview left, and updates the comment', async () => {
    const p = pipeline();
    p.commit(REV1);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    expect(await cleanupPreview(p.deps, job)).toBe(1);
    expect(p.stacks.deleted).toEqual([preview.changeSet?.id]);
    expect(p.notifier.closedPullRequests).toEqual([
      { repository: REPOSITORY, pullRequest: 7, stackKey: KEY },
    ]);
    expect(p.stacks.stacks.has(STACK)).toBe(false);
    expect(p.notifier.statuses(preview.id).at(-1)).toBe(DeploymentStatus.SUPERSEDED);
  });

  it('never deletes a stack that exists beyond review', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK);
    await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    await cleanupPreview(p.deps, job);
    expect(p.stacks.stacks.get(STACK)?.status).toBe('UPDATE_COMPLETE');
  });

  it('keeps the review stack while a deployment of it is still open', async () => {
    const p = pipeline();
    p.commit(REV1);
    await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    await planStack(p.deps, p.planJob(REV1));
    await cleanupPreview(p.deps, job);
    expect(p.stacks.stacks.has(STACK)).toBe(true);
  });

  it('ends nothing the second time', async () => {
    const p = pipeline();
    p.commit(REV1);
    await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    await cleanupPreview(p.deps, job);
    expect(await cleanupPreview(p.deps, job)).toBe(0);
  });
});
