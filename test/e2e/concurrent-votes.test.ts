import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { convergeYaml, type E2e, reaches, settled, startE2e, template } from './support/e2e-harness.ts';

const STACK = 'quorum';

describe('votes at the same moment, through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['votes']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  /** The first deployment of a stack: the control-plane approver (the harness's click user) approves it. */
  async function approveFirst(deployment: Deployment): Promise<Deployment> {
    await e2e.click(deployment);
    return reaches(e2e, deployment.id, ['SUCCEEDED', 'FAILED']);
  }

  it('executes a required: 2 deployment whose two approvers click at the same moment', async () => {
    const repo = e2e.repository('votes');
    // First, apply converge.yaml with `required: 2` from two named approvers, so that it is the
    // stack's trusted rule (a first deployment is the control-plane approvers' to approve).
    await repo.push({
      'converge.yaml': convergeYaml(
        [STACK],
        '{ required: 2, approvers: ["slack:U0ALICE", "slack:U0BOB"], autoApprove: never }',
      ),
      [`stacks/${STACK}.yaml`]: template('v1'),
    });
    const first = await settled(e2e, STACK, ['AWAITING_APPROVAL']);
    expect((await approveFirst(first)).status).toBe('SUCCEEDED');

    // A change under the trusted rule needs two people.
    await repo.push({ [`stacks/${STACK}.yaml`]: template('v2') });
    const second = await e2e.waitFor(
      async () => (await e2e.deployments(STACK)).find((d) => d.id !== first.id),
      (d) => d?.status === 'AWAITING_APPROVAL' && typeof d.notifications?.slack?.ts === 'string',
      'the second deployment to ask for approval',
    );
    expect(second?.approval?.required).toBe(2);

    // Both approvers click at once.
    const answers = await Promise.all([
      e2e.click(second!, { userId: 'U0ALICE' }),
      e2e.click(second!, { userId: 'U0BOB' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);

    expect((await reaches(e2e, second!.id, ['SUCCEEDED', 'FAILED', 'EXPIRED'])).status).toBe('SUCCEEDED');
    expect((await e2e.store.listApprovals(second!.id)).map((vote) => vote.approver).sort()).toEqual([
      'slack:U0ALICE',
      'slack:U0BOB',
    ]);
    const trail = (await e2e.store.listAudit(`deployment#${second!.id}`)).map((record) => record.action);
    expect(trail).not.toContain('vote-refused');
    expect(trail.filter((action) => action === 'approved')).toHaveLength(1);
  });
});
