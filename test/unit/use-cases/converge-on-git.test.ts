import { describe, expect, it } from 'vitest';
import { MemoryCodeReview } from '../../../shared/adapters/memory/memory-code-review.ts';
import { deploymentId } from '../../../shared/domain/deployment/deployment-names.ts';
import { parsePolicy } from '../../../shared/domain/policy/parse-policy.ts';
import { type Source, SourceRevisionNotFoundError } from '../../../shared/ports/source.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { convergeOnGit } from '../../../shared/use-cases/git-poll/converge-on-git.ts';
import { GitPollDecision } from '../../../shared/use-cases/git-poll/git-poll-decision.ts';
import { awaitingApproval, KEY, pipeline, REPOSITORY, REV1, REV2, REV3, STACK } from './pipeline-fixture.ts';

function policyText(repositories = `  ${REPOSITORY}: { branches: [main], stacks: ["*"] }`, extra = '') {
  return `version: 1\nrepositories:\n${repositories}\napprovers: [slack:U0BOB]\n${extra}`;
}

/** The in-memory pipeline with the control-plane policy and `main` pointing at `head`. */
function polled(head: string | undefined, text = policyText()) {
  const p = pipeline();
  const policy = parsePolicy(text, { file: 'policy.yaml' });
  p.source.setBranch('main', head);
  const codeReview = new MemoryCodeReview();
  return { ...p, codeReview, deps: { ...p.deps, policy, codeReview } };
}

/** Records that `revision` was deployed and applied, as a successful execution would. */
async function applied(p: ReturnType<typeof polled>, revision: string) {
  const id = deploymentId(p.clock.now(), `applied-${revision}`);
  await p.store.recordAttempt(KEY, revision, id, new Date(p.clock.now()).toISOString());
  await p.store.recordApplied(KEY, revision, id, new Date(p.clock.now()).toISOString());
  p.clock.advance(1000);
}

describe('convergeOnGit', () => {
  it('plans a stack never applied at the branch head with the webhook plan job, and audits why', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    const result = await convergeOnGit(p.deps);
    expect(result.stacks).toEqual([
      expect.objectContaining({ stackName: STACK, revision: REV1, decision: GitPollDecision.PLANNED }),
    ]);
    expect(p.queue.sent).toEqual([
      expect.objectContaining({
        group: KEY,
        job: expect.objectContaining({
          type: 'plan',
          kind: 'deploy',
          repository: REPOSITORY,
          revision: REV1,
          stackName: STACK,
          stackKey: KEY,
          deliveryId: `poll:${REPOSITORY}@${REV1}`,
        }),
      }),
    ]);
    const audit = await p.store.listAudit(`stack#${KEY}`);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'git-poll-planned',
        actor: 'system:git-poll',
        reason: expect.stringMatching(/never applied/),
      }),
    ]);
  });

  it('attributes a polled change to the merged pull request at the head, so its authors cannot approve it', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    p.codeReview.pullRequests.set(`${REPOSITORY}#7`, {
      number: 7,
      author: 'Mallory',
      headSha: REV2,
      baseSha: REV3,
      baseRef: 'main',
      fork: false,
      merged: true,
      mergeCommitSha: REV1,
    });
    p.codeReview.authorsOfCommits.set(`${REPOSITORY}#7`, ['trent']);
    await convergeOnGit(p.deps);
    expect(p.queue.jobs('plan')[0]).toMatchObject({ author: 'mallory', authors: ['mallory', 'trent'] });
  });

  it('plans a stack whose template changed since the applied revision', async () => {
    const p = polled(REV2);
    p.commit(REV1);
    p.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    p.source.history({ [REV1]: [], [REV2]: [REV1] });
    await applied(p, REV1);
    const [decision] = (await convergeOnGit(p.deps)).stacks;
    expect(decision).toMatchObject({
      decision: GitPollDecision.PLANNED,
      reason: expect.stringMatching(/differ from the applied/),
    });
    expect(p.queue.jobs('plan').map((job) => job.revision)).toEqual([REV2]);
  });

  it('leaves a stack up to date when only files it does not read changed, or the head is applied', async () => {
    const p = polled(REV2);
    p.commit(REV1);
    p.commit(REV2, { 'README.md': 'docs only' });
    await applied(p, REV1);
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.UP_TO_DATE);
    await applied(p, REV2);
    expect((await convergeOnGit(p.deps)).stacks[0]).toMatchObject({
      decision: GitPollDecision.UP_TO_DATE,
      reason: expect.stringMatching(/is applied/),
    });
    expect(p.queue.sent).toEqual([]);
  });

  it('does not plan a stack with a deployment awaiting approval', async () => {
    const p = polled(REV2);
    await awaitingApproval(p, {}, REV1);
    p.queue.drain();
    p.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.IN_FLIGHT);
    expect(p.queue.sent).toEqual([]);
  });

  it('does not plan a stack whose lock is held', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    await p.store.acquireLock(KEY, 'execute-1', p.clock.now(), 60_000);
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.IN_FLIGHT);
    p.clock.advance(60_000);
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.PLANNED);
  });

  it('does not plan a rejected head again, nor a later head with the same inputs, but does plan new inputs', async () => {
    const p = polled(REV1);
    const rejected = await awaitingApproval(p, {}, REV1);
    await decideApproval(p.deps, {
      deploymentId: rejected.id,
      approver: 'slack:U0BOB',
      decision: 'reject',
      via: 'slack',
    });
    p.queue.drain();
    p.source.history({ [REV1]: [], [REV2]: [REV1], [REV3]: [REV2] });
    expect((await convergeOnGit(p.deps)).stacks[0]).toMatchObject({
      decision: GitPollDecision.ALREADY_ATTEMPTED,
      reason: expect.stringContaining(REV1.slice(0, 12)),
    });

    // An unrelated commit on top: the stack's inputs are still the rejected ones.
    p.commit(REV2, { 'README.md': 'docs only' });
    p.source.setBranch('main', REV2);
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.ALREADY_ATTEMPTED);

    // A commit that changes the template is a new request.
    p.commit(REV3, { 'stacks/network.yaml': 'Resources: {}\n' });
    p.source.setBranch('main', REV3);
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.PLANNED);
    expect(p.queue.jobs('plan').map((job) => job.revision)).toEqual([REV3]);
  });

  it('does not plan a head older than the revision last attempted (the branch was reset)', async () => {
    const p = polled(REV1);
    const rejected = await awaitingApproval(p, {}, REV2);
    await decideApproval(p.deps, {
      deploymentId: rejected.id,
      approver: 'slack:U0BOB',
      decision: 'reject',
      via: 'slack',
    });
    p.queue.drain();
    p.commit(REV1, { 'stacks/network.yaml': 'Resources: {}\n' });
    p.source.history({ [REV1]: [], [REV2]: [REV1] });
    expect((await convergeOnGit(p.deps)).stacks[0]?.decision).toBe(GitPollDecision.ALREADY_ATTEMPTED);
    expect(p.queue.sent).toEqual([]);
  });

  it('never plans a head the applied revision descends from (the branch was reset), on any poll', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    p.commit(REV2, { 'stacks/network.yaml': 'Resources: {}\n' });
    p.source.history({ [REV1]: [], [REV2]: [REV1] });
    await applied(p, REV2);
    for (let run = 0; run < 2; run++) {
      expect((await convergeOnGit(p.deps)).stacks[0]).toMatchObject({
        decision: GitPollDecision.BEHIND,
        reason: expect.stringMatching(/never moves a stack back/),
      });
    }
    expect(p.queue.sent).toEqual([]);
  });

  it('sends nothing new when polled again before the plan starts (the FIFO dedupe id names the head)', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    await convergeOnGit(p.deps);
    p.clock.advance(60_000);
    await convergeOnGit(p.deps);
    expect(p.queue.sent).toHaveLength(1);
  });

  it('leaves a head committed less than minCommitAgeMs ago to its webhook, then plans it', async () => {
    // MemorySource commits are dated 2026-01-01; the fixture clock reads 2026-03-01.
    const p = polled(REV1);
    p.commit(REV1);
    const day = 24 * 3_600_000;
    expect((await convergeOnGit(p.deps, { minCommitAgeMs: 90 * day })).stacks[0]).toMatchObject({
      decision: GitPollDecision.RECENT,
      reason: expect.stringMatching(/its webhook has until 2026-04-01/),
    });
    expect(p.queue.sent).toEqual([]);
    expect((await convergeOnGit(p.deps, { minCommitAgeMs: 30 * day })).stacks[0]?.decision).toBe(
      GitPollDecision.PLANNED,
    );
  });

  it('does not let a committer date in the future hold a plan back', async () => {
    const p = polled(REV1);
    p.commit(REV1);
    p.clock.advance(Date.parse('2025-12-31T00:00:00Z') - p.clock.now());
    expect((await convergeOnGit(p.deps, { minCommitAgeMs: 60_000 })).stacks[0]?.decision).toBe(
      GitPollDecision.PLANNED,
    );
  });

  it('plans no stack the control-plane policy keeps from the repository', async () => {
    const p = polled(REV1, policyText(undefined, 'protectedStacks: [network-*]\n'));
    p.commit(REV1);
    expect((await convergeOnGit(p.deps)).stacks[0]).toMatchObject({
      decision: GitPollDecision.NOT_ALLOWED,
      reason: expect.stringMatching(/protected/),
    });
    const other = polled(REV1, policyText(`  ${REPOSITORY}: { branches: [main], stacks: ["app-*"] }`));
    other.commit(REV1);
    expect((await convergeOnGit(other.deps)).stacks[0]?.decision).toBe(GitPollDecision.NOT_ALLOWED);
    expect([...p.queue.sent, ...other.queue.sent]).toEqual([]);
  });

  it.each([
    ['a glob branch', `  ${REPOSITORY}: { branches: ["release/*"], stacks: ["*"] }`, /is a glob/],
    [
      'a branch that does not exist',
      `  ${REPOSITORY}: { branches: [trunk], stacks: ["*"] }`,
      /does not exist/,
    ],
  ])('skips %s with a reason', async (_, repositories, reason) => {
    const p = polled(REV1, policyText(repositories));
    p.commit(REV1);
    const result = await convergeOnGit(p.deps);
    expect(result.skipped).toEqual([
      expect.objectContaining({ repository: REPOSITORY, reason: expect.stringMatching(reason) }),
    ]);
    expect(p.queue.sent).toEqual([]);
  });

  it('skips a branch whose converge.yaml is broken, saying why', async () => {
    const p = polled(REV1);
    p.commit(REV1, { 'converge.yaml': 'version: 1\nstacks: [{ name: x }]\n' });
    expect((await convergeOnGit(p.deps)).skipped[0]?.reason).toMatch(/converge.yaml at .* cannot be used/);
    expect(p.queue.sent).toEqual([]);
  });

  it('goes on with the other repositories when one cannot be read', async () => {
    const p = polled(
      REV1,
      policyText(
        `  acme/broken: { branches: [main], stacks: ["*"] }\n  ${REPOSITORY}: { branches: [main], stacks: ["*"] }`,
      ),
    );
    p.commit(REV1);
    const source: Source = {
      readFile: (r, v, f) => p.source.readFile(r, v, f),
      changedPaths: (r, b, h) => p.source.changedPaths(r, b, h),
      commit: (r, v) => p.source.commit(r, v),
      compare: (r, b, h) => p.source.compare(r, b, h),
      branchHead: async (repository, branch) => {
        if (repository === 'acme/broken') throw new SourceRevisionNotFoundError(repository, branch);
        return p.source.branchHead(repository, branch);
      },
    };
    const result = await convergeOnGit({ ...p.deps, source });
    expect(result.skipped).toEqual([
      expect.objectContaining({ repository: 'acme/broken', reason: expect.stringMatching(/polling failed/) }),
    ]);
    expect(result.stacks.map((d) => d.decision)).toEqual([GitPollDecision.PLANNED]);
  });

  it('queues a remove-stack job for an owned, applied stack that converge.yaml at the head no longer names', async () => {
    const p = polled(REV2);
    p.commit(REV1);
    await applied(p, REV1);
    await p.store.claimStack(KEY, REPOSITORY, new Date(p.clock.now()).toISOString());
    p.commit(REV2, { 'converge.yaml': 'version: 1\ndefaults:\n  region: eu-west-1\nstacks: []\n' });
    await convergeOnGit(p.deps);
    expect(p.queue.sent).toEqual([
      expect.objectContaining({
        group: KEY,
        job: expect.objectContaining({
          type: 'remove-stack',
          repository: REPOSITORY,
          revision: REV2,
          stackKey: KEY,
        }),
      }),
    ]);

    // Once released, later polls queue nothing more for it.
    await p.store.releaseStack(KEY, {
      revision: REV2,
      at: new Date(p.clock.now()).toISOString(),
      outcome: 'released',
    });
    const before = p.queue.sent.length;
    p.clock.advance(600_000);
    await convergeOnGit(p.deps);
    expect(p.queue.sent).toHaveLength(before);
  });
});
