import { describe, expect, it } from 'vitest';
import { CliVoteRefusedError, castCliVote } from '../../../cli/commands/approve.ts';
import type { CallerIdentity } from '../../../shared/ports/caller-identity.ts';
import { awaitingApproval, pipeline } from '../use-cases/pipeline-fixture.ts';

const IN_AWS: CallerIdentity = { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' };
const LOCAL: CallerIdentity = { account: '000000000000', arn: 'arn:aws:iam::000000000000:user/local' };

function setup(caller: CallerIdentity) {
  const p = pipeline();
  return { ...p, deps: { ...p.deps, whoAmI: async () => caller } };
}

describe('castCliVote', () => {
  it('votes as the caller’s AWS principal', async () => {
    const s = setup(IN_AWS);
    const deployment = await awaitingApproval(s, { approvers: ['aws:arn:aws:iam::123456789012:user/alice'] });
    const result = await castCliVote(s.deps, { deploymentId: deployment.id, decision: 'approve' });
    expect(result).toMatchObject({ outcome: 'approved' });
    expect((await s.store.listApprovals(deployment.id)).map((a) => [a.approver, a.via])).toEqual([
      ['aws:arn:aws:iam::123456789012:user/alice', 'cli'],
    ]);
  });

  it('refuses --as against AWS, counting nothing', async () => {
    const s = setup(IN_AWS);
    const deployment = await awaitingApproval(s);
    await expect(
      castCliVote(s.deps, { deploymentId: deployment.id, as: 'cli:anyone', decision: 'approve' }),
    ).rejects.toThrow(CliVoteRefusedError);
    expect(await s.store.listApprovals(deployment.id)).toEqual([]);
  });

  it('accepts --as cli:<name> from the local cloud’s account', async () => {
    const s = setup(LOCAL);
    const deployment = await awaitingApproval(s);
    const result = await castCliVote(s.deps, {
      deploymentId: deployment.id,
      as: 'cli:alice',
      decision: 'approve',
    });
    expect(result.outcome).toBe('approved');
  });
});
