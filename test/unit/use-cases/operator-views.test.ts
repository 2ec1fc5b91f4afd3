import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/adapters/memory/manual-clock.ts';
import { MemoryStore } from '../../../shared/adapters/memory/memory-store.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { DeploymentNotFoundError } from '../../../shared/ports/store.ts';
import { deploymentDetails } from '../../../shared/use-cases/queries/deployment-details.ts';
import { explainStack, StackNotFoundError } from '../../../shared/use-cases/queries/explain-stack.ts';
import { stackOverview } from '../../../shared/use-cases/queries/stack-overview.ts';

const KEY = 'default/eu-west-1/app';
const AT = '2026-11-30T10:00:00.000Z';

function deployment(id: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    id,
    kind: 'deploy',
    stack: { stackName: 'app', region: 'eu-west-1' },
    stackKey: KEY,
    repository: 'acme/infra',
    revision: `${id.toLowerCase().padEnd(40, '0')}`,
    status: 'AWAITING_APPROVAL',
    changeSet: { id: `cs-${id}`, name: `converge-${id}` },
    approval: {
      required: 2,
      approvers: ['github:alice', 'github:bob'],
      allowSelfApproval: false,
      autoApprove: 'never',
      ttlSeconds: 3600,
    },
    expiresAt: '2026-11-30T11:00:00.000Z',
    createdAt: AT,
    updatedAt: AT,
    version: 1,
    ...extra,
  };
}

async function world() {
  const store = new MemoryStore();
  const clock = new ManualClock(Date.parse(AT));
  const audit = (id: string) => ({
    subject: `deployment#${id}`,
    action: 'planning',
    actor: 'system:plan',
    at: AT,
  });
  return { store, clock, audit };
}

describe('stackOverview', () => {
  it('reports the applied revision, the newest deployment and what is pending', async () => {
    const { store, clock, audit } = await world();
    await store.createDeployment(
      deployment('01A00000000000000000000000', { status: 'SUCCEEDED' }),
      audit('01A00000000000000000000000'),
    );
    await store.recordApplied(KEY, 'a'.repeat(40), '01A00000000000000000000000', AT);
    await store.createDeployment(
      deployment('01B00000000000000000000000'),
      audit('01B00000000000000000000000'),
    );
    await store.recordAttempt(KEY, 'b'.repeat(40), '01B00000000000000000000000', AT);
    const [stack] = await stackOverview({ store, clock });
    expect(stack).toMatchObject({
      stackName: 'app',
      region: 'eu-west-1',
      repository: 'acme/infra',
      applied: { revision: 'a'.repeat(40), deploymentId: '01A00000000000000000000000' },
      latest: { id: '01B00000000000000000000000' },
    });
    expect(stack?.pending.map((d) => d.id)).toEqual(['01B00000000000000000000000']);
  });
});

describe('explainStack', () => {
  it('names the votes an approval still needs, from whom, and until when', async () => {
    const { store, clock, audit } = await world();
    await store.createDeployment(
      deployment('01B00000000000000000000000'),
      audit('01B00000000000000000000000'),
    );
    await store.recordAttempt(KEY, 'b'.repeat(40), '01B00000000000000000000000', AT);
    await store.recordApproval(
      {
        deploymentId: '01B00000000000000000000000',
        changeSetId: 'cs-01B00000000000000000000000',
        approver: 'github:alice',
        decision: 'approve',
        at: AT,
        via: 'github',
      },
      undefined,
      audit('01B00000000000000000000000'),
    );
    const [explained] = await explainStack({ store, clock }, { stackName: 'app' });
    expect(explained?.waits).toEqual([
      expect.objectContaining({
        kind: 'approval',
        approved: ['github:alice'],
        required: 2,
        message: expect.stringContaining(
          'awaits approval: 1 of 2 (github:alice), from github:alice, github:bob, until 2026-11-30T11:00:00.000Z',
        ),
      }),
    ]);
  });

  it('says an approved deployment waits for the lock another deployment holds', async () => {
    const { store, clock, audit } = await world();
    await store.createDeployment(
      deployment('01C00000000000000000000000', { status: 'APPROVED' }),
      audit('01C00000000000000000000000'),
    );
    await store.recordAttempt(KEY, 'c'.repeat(40), '01C00000000000000000000000', AT);
    await store.acquireLock(KEY, '01Z0000000000000000000OTHR', clock.now(), 60_000);
    const [explained] = await explainStack({ store, clock }, { stackName: 'app' });
    expect(explained?.waits[0]).toMatchObject({ kind: 'lock', owner: '01Z0000000000000000000OTHR' });
  });

  it('with nothing pending, says why the latest attempt stopped and where the stack stands', async () => {
    const { store, clock, audit } = await world();
    await store.createDeployment(
      deployment('01D00000000000000000000000', {
        status: 'FAILED',
        reason: { code: 'ROLLED_BACK', message: 'app ended UPDATE_ROLLBACK_COMPLETE' },
      }),
      audit('01D00000000000000000000000'),
    );
    await store.recordAttempt(KEY, 'd'.repeat(40), '01D00000000000000000000000', AT);
    const [explained] = await explainStack({ store, clock }, { stackName: 'app' });
    expect(explained?.waits.map((w) => w.kind)).toEqual(['failed', 'never-deployed']);
    expect(explained?.waits[0]?.message).toContain(
      'ended FAILED (ROLLED_BACK): app ended UPDATE_ROLLBACK_COMPLETE',
    );
  });

  it('refuses a stack Converge has no state for', async () => {
    const { store, clock } = await world();
    await expect(explainStack({ store, clock }, { stackName: 'nope' })).rejects.toThrow(StackNotFoundError);
  });
});

describe('deploymentDetails', () => {
  it('returns the deployment with its votes and audit trail, oldest first', async () => {
    const { store, audit } = await world();
    await store.createDeployment(
      deployment('01E00000000000000000000000'),
      audit('01E00000000000000000000000'),
    );
    const details = await deploymentDetails({ store }, '01E00000000000000000000000');
    expect(details.deployment.id).toBe('01E00000000000000000000000');
    expect(details.audit.map((a) => a.action)).toEqual(['planning']);
  });

  it('throws DeploymentNotFoundError for an unknown id', async () => {
    const { store } = await world();
    await expect(deploymentDetails({ store }, '01NOPE')).rejects.toThrow(DeploymentNotFoundError);
  });
});
