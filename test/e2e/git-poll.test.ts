import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvergeOnGitResult } from '../../shared/use-cases/git-poll/converge-on-git.ts';
import {
  convergeYaml,
  type E2e,
  quiet,
  reaches,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

/**
 * Converge converges without webhooks: commits are made on the repositories' main branch and no
 * push is ever sent; the Git poll (the reconcile function's `converge-on-git` schedule, fired
 * with `host.runSchedule('git-poll')`) finds them and plans them through the same gate.
 */
describe.concurrent('the Git poll through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['polled', 'refused', 'waiting']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const poll = async () => (await e2e.host.runSchedule('git-poll')) as ConvergeOnGitResult;
  const decisionFor = (result: ConvergeOnGitResult, stackName: string) =>
    result.stacks.find((d) => d.stackName === stackName);

  it('deploys commits whose webhooks were never sent, by polling alone, and then leaves the stack be', async () => {
    const repo = e2e.repository('polled');
    const first = await repo.push(
      { 'converge.yaml': convergeYaml(['polled-app']), 'stacks/polled-app.yaml': template('v1') },
      { send: false },
    );
    expect(decisionFor(await poll(), 'polled-app')).toMatchObject({
      decision: 'planned',
      revision: first.sha,
    });
    const asked = await settled(e2e, 'polled-app', ['AWAITING_APPROVAL']);
    expect(asked.revision).toBe(first.sha);
    await e2e.click(asked);
    expect((await reaches(e2e, asked.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // A second commit, again without a webhook: planned from the branch head.
    const second = await repo.push({ 'stacks/polled-app.yaml': template('v2') }, { send: false });
    expect(decisionFor(await poll(), 'polled-app')?.decision).toBe('planned');
    const next = await e2e.waitFor(
      async () => (await e2e.deployments('polled-app')).find((d) => d.revision === second.sha),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the polled second commit to await approval',
    );
    await e2e.click(next!);
    expect((await reaches(e2e, next!.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // Converged: polling again plans nothing.
    expect(decisionFor(await poll(), 'polled-app')?.decision).toBe('up-to-date');
    await quiet(e2e, 'polled-app');
    expect(await e2e.deployments('polled-app')).toHaveLength(2);
  });

  it('does not plan a rejected revision again on the next polls', async () => {
    const repo = e2e.repository('refused');
    const pushed = await repo.push(
      { 'converge.yaml': convergeYaml(['refused-app']), 'stacks/refused-app.yaml': template('v1') },
      { send: false },
    );
    await poll();
    const asked = await settled(e2e, 'refused-app', ['AWAITING_APPROVAL']);
    expect(asked.revision).toBe(pushed.sha);
    expect((await e2e.click(asked, { decision: 'reject' })).status).toBe(200);
    await reaches(e2e, asked.id, ['REJECTED']);

    for (let run = 0; run < 2; run++) {
      expect(decisionFor(await poll(), 'refused-app')?.decision).toBe('already-attempted');
    }
    await quiet(e2e, 'refused-app');
    expect((await e2e.deployments('refused-app')).map((d) => d.status)).toEqual(['REJECTED']);
  });

  it('does not plan a stack again while a deployment of it awaits approval', async () => {
    const repo = e2e.repository('waiting');
    const pushed = await repo.push(
      { 'converge.yaml': convergeYaml(['waiting-app']), 'stacks/waiting-app.yaml': template('v1') },
      { send: false },
    );
    await poll();
    const asked = await settled(e2e, 'waiting-app', ['AWAITING_APPROVAL']);
    expect(asked.revision).toBe(pushed.sha);

    // A newer commit lands while the first waits: the poll leaves the waiting deployment alone.
    await repo.push({ 'stacks/waiting-app.yaml': template('v2') }, { send: false });
    expect(decisionFor(await poll(), 'waiting-app')?.decision).toBe('in-flight');
    await quiet(e2e, 'waiting-app');
    const deployments = await e2e.deployments('waiting-app');
    expect(deployments.map((d) => [d.id, d.status])).toEqual([[asked.id, 'AWAITING_APPROVAL']]);
  });
});
