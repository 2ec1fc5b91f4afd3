import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReasonCode } from '../../shared/domain/deployment/reason-code.ts';
import { type E2e, quiet, reaches, settled, startE2e, template } from './support/e2e-harness.ts';
import {
  createByHand,
  deploymentsOf,
  firstDeployment,
  IAM_USER,
  next,
  slackMessagesWith,
  yaml,
} from './support/trust-helpers.ts';

describe.concurrent('planning under the control-plane policy, through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['first', 'launder', 'governed', 'infra', 'other', 'foreign', 'unreadable']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('refuses a first deployment clicked by an unknown Slack user or the pusher; a control-plane approver deploys it', async () => {
    await e2e.repository('first').push({
      'converge.yaml': yaml(['first-app'], '{ required: 1, autoApprove: never, approvers: [] }'),
      'stacks/first-app.yaml': template('v1'),
    });
    const first = await settled(e2e, 'first-app', ['AWAITING_APPROVAL']);

    await e2e.click(first, { userId: 'U0STRANGER' });
    await e2e.click(first, { userId: 'U0PUSHER' });
    await quiet(e2e, 'first-app');
    expect((await e2e.store.getDeployment(first.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(first.id)).toEqual([]);
    expect(first.approval?.approvers).toEqual(['slack:U0APPROVER']);

    await e2e.click(first);
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('never auto-approves a commit that only lowers its own rule, nor an IAM user after it', async () => {
    const iam = ['    capabilities: [CAPABILITY_IAM]'];
    const first = await firstDeployment(e2e, 'launder', 'laundered', {
      'converge.yaml': yaml(['laundered'], '{ required: 1, autoApprove: safe }', iam),
      'stacks/laundered.yaml': template('v1'),
    });

    // The laundering commit: converge.yaml only, required 0 and always.
    await e2e.repository('launder').push({
      'converge.yaml': yaml(['laundered'], '{ required: 0, autoApprove: always }', iam),
    });
    const laundering = await next(e2e, 'laundered', [first.id]);
    expect(laundering.status).toBe('AWAITING_APPROVAL');
    expect(laundering.approval).toMatchObject({ required: 1, autoApprove: 'never' });
    await e2e.waitFor(
      async () => slackMessagesWith(e2e, 'policy change: approval of laundered: required 1'),
      (found) => found.length > 0,
      'the approval request to say it is a policy change',
    );

    // The next commit adds an admin user: still under the trusted rule, never automatically.
    await e2e.repository('launder').push({ 'stacks/laundered.yaml': template('v1', { extra: IAM_USER }) });
    const admin = await next(e2e, 'laundered', [first.id, laundering.id]);
    expect(admin.status).toBe('AWAITING_APPROVAL');
    await quiet(e2e, 'laundered');
    expect((await e2e.store.getDeployment(admin.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(admin.id)).toEqual([]);
  });

  it('lands a policy change its trusted approvers approved, and lets it govern the next commit', async () => {
    const first = await firstDeployment(e2e, 'governed', 'governed-app', {
      'converge.yaml': yaml(['governed-app'], '{ required: 1, autoApprove: never }'),
      'stacks/governed-app.yaml': template('v1'),
    });
    await e2e.repository('governed').push({
      'converge.yaml': yaml(['governed-app'], '{ required: 1, autoApprove: safe }'),
    });
    const change = await next(e2e, 'governed-app', [first.id]);
    expect(change.status).toBe('AWAITING_APPROVAL');
    await e2e.click(change);
    expect((await reaches(e2e, change.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // A safe change now deploys without a person: the approved rule is the trusted one.
    await e2e.repository('governed').push({ 'stacks/governed-app.yaml': template('v2') });
    const safe = await next(e2e, 'governed-app', [first.id, change.id]);
    expect((await reaches(e2e, safe.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect(await e2e.store.listApprovals(safe.id)).toEqual([
      expect.objectContaining({ approver: 'policy:auto-approve' }),
    ]);
  });

  it('refuses another repository naming a stack acme/infra owns, with a reason', async () => {
    const first = await firstDeployment(e2e, 'infra', 'owned-app', {
      'converge.yaml': yaml(['owned-app'], '{ required: 1, autoApprove: never }'),
      'stacks/owned-app.yaml': template('infra'),
    });
    await e2e.repository('other').push({
      'converge.yaml': yaml(['owned-app'], '{ required: 0, autoApprove: always }'),
      'stacks/owned-app.yaml': template('other'),
    });
    const claimed = await e2e.waitFor(
      async () => (await deploymentsOf(e2e, 'owned-app', 'acme/other')).at(-1),
      (d) => d !== undefined && d.status !== 'PLANNING',
      'the other repository’s plan to end',
    );
    expect(claimed?.status).toBe('PLAN_FAILED');
    expect(claimed?.reason).toMatchObject({
      code: ReasonCode.STACK_OWNED_ELSEWHERE,
      message: expect.stringContaining('belongs to acme/infra'),
    });
    expect((await e2e.store.getDeployment(first.id))?.status).toBe('SUCCEEDED');
  });

  it('does not adopt a stack Converge did not create when the policy does not allow adoption', async () => {
    await createByHand(e2e, 'hand-made');
    await e2e.repository('foreign').push({
      'converge.yaml': yaml(['hand-made'], '{ required: 1, autoApprove: never }'),
      'stacks/hand-made.yaml': template('taken over'),
    });
    const refused = await settled(e2e, 'hand-made', ['PLAN_FAILED', 'AWAITING_APPROVAL', 'APPROVED']);
    expect(refused.status).toBe('PLAN_FAILED');
    expect(refused.reason?.code).toBe(ReasonCode.STACK_NOT_MANAGED);
    expect(refused.changeSet).toBeUndefined();
  });

  it('waits while the trusted converge.yaml cannot be read, and never plans under a weaker rule', async () => {
    const repo = e2e.repository('unreadable');
    const first = await firstDeployment(e2e, 'unreadable', 'unreadable-app', {
      'converge.yaml': yaml(['unreadable-app'], '{ required: 2, autoApprove: never }'),
      'stacks/unreadable-app.yaml': template('v1'),
    });
    // Lose the trusted revision's converge.yaml from the repository, as a broken mirror would.
    const blob = (await repo.repo.git('rev-parse', `${first.revision}:converge.yaml`)).trim();
    const object = join(repo.repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
    const saved = await readFile(object);
    await rm(object);

    await repo.push({
      'converge.yaml': `${yaml(['unreadable-app'], '{ required: 0, autoApprove: always }')}# relaxed\n`,
      'stacks/unreadable-app.yaml': template('v2'),
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const mine = (group: string) => group.endsWith('/unreadable-app');
    expect(e2e.host.queues.plan.holds(mine)).toBe(true);
    expect((await e2e.deployments('unreadable-app')).map((d) => d.id)).toEqual([first.id]);

    // Once it reads again, the retried plan asks for the trusted rule's two approvals.
    await writeFile(object, saved);
    const waited = await next(e2e, 'unreadable-app', [first.id]);
    expect(waited.status).toBe('AWAITING_APPROVAL');
    expect(waited.approval).toMatchObject({ required: 2, autoApprove: 'never' });
  }, 60_000);
});
