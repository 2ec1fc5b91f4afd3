import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { recordedExample } from '../support/github-delivery.ts';
import type { RecordedRequest } from '../support/recording-server.ts';
import {
  APPROVER_SLACK_ID,
  convergeYaml,
  type E2e,
  quiet,
  reaches,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

/** The repository's approval rule lets a request stay open this long, so reconcile can expire one. */
const TTL_SECONDS = 2;

/** The Slack message edits of one deployment's message, parsed. */
function slackEdits(e2e: E2e, deployment: Deployment): { text: string; blocks: { type: string }[] }[] {
  const ts = deployment.notifications?.slack?.ts;
  return e2e.recorder
    .requestsTo('POST', '/api/chat.update')
    .map((r: RecordedRequest) => r.body as Record<string, string>)
    .filter((body) => body.ts === ts)
    .map((body) => ({ text: body.text ?? '', blocks: JSON.parse(body.blocks ?? '[]') }));
}

/** Waits until the deployment's Slack message was posted, and returns the deployment with its refs. */
function withSlackMessage(e2e: E2e, id: string): Promise<Deployment> {
  return e2e.waitFor(
    async () => (await e2e.store.getDeployment(id))!,
    (d) => typeof d.notifications?.slack?.ts === 'string',
    `the Slack message of ${id}`,
  ) as Promise<Deployment>;
}

describe('checks and messages finish', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['previews', 'superseding', 'expiring']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('completes a pull request preview’s check run with a conclusion and the change summary', async () => {
    const repo = e2e.repository('previews');
    const base = await repo.push(
      { 'converge.yaml': convergeYaml(['preview-done']), 'stacks/preview-done.yaml': template('v1') },
      { send: false },
    );
    await repo.repo.git('checkout', '--quiet', '-b', 'feature');
    const head = await repo.repo.commit({
      files: { 'stacks/preview-done.yaml': template('v2') },
      message: 'try v2',
    });
    await repo.repo.git('checkout', '--quiet', 'main');
    const payload = recordedExample('pull_request', (example) => example.action === 'opened');
    payload.number = 8;
    payload.pull_request.number = 8;
    payload.pull_request.head.sha = head;
    payload.pull_request.head.ref = 'feature';
    payload.pull_request.base.sha = base.sha;
    payload.pull_request.base.ref = 'main';
    payload.repository.full_name = repo.name;
    payload.repository.name = 'previews';
    payload.repository.owner.login = 'acme';
    expect((await e2e.deliver('pull_request', payload)).status).toBe(202);

    // The check run on the pull request's head, as GitHub holds it after every call Converge made.
    type CheckRun = { status: string; conclusion?: string; output?: { title: string; summary: string } };
    const run = await e2e.waitFor(
      async () => {
        const response = await fetch(
          `${e2e.recorder.url}/repos/acme/previews/commits/${head}/check-runs?check_name=converge/preview-done`,
        );
        return ((await response.json()) as { check_runs: CheckRun[] }).check_runs[0];
      },
      (found) => found?.status === 'completed',
      'the preview check run to complete',
    );
    expect(run).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(run!.output?.title).toMatch(
      /^Preview: 2 to add, 0 to modify, 0 to remove, 0 replaced \(risk: \w+\)$/,
    );
    expect(run!.output?.summary).toMatch(
      /\*\*Risk: \w+\*\* · 2 to add · 0 to modify · 0 to remove · 0 replaced/,
    );
    expect(run!.output?.summary).toContain('| Add | `Queue` | AWS::SQS::Queue |');
    await quiet(e2e, 'preview-done');
    const [preview] = await e2e.deployments('preview-done');
    expect(preview?.kind).toBe('preview');
  });

  it('edits a superseded request in place without buttons and refuses a click on its old button', async () => {
    const repo = e2e.repository('superseding');
    await repo.push({ 'converge.yaml': convergeYaml(['replaced']), 'stacks/replaced.yaml': template('v1') });
    const a = await withSlackMessage(e2e, (await settled(e2e, 'replaced', ['AWAITING_APPROVAL'])).id);
    expect(slackEdits(e2e, a)).toEqual([]);

    const b = await repo.push({ 'stacks/replaced.yaml': template('v2') });
    expect((await reaches(e2e, a.id, ['SUPERSEDED'])).status).toBe('SUPERSEDED');

    // A's message: edited in place, no actions block, says it was superseded and by which revision.
    const edits = await e2e.waitFor(
      async () => slackEdits(e2e, a),
      (list) => list.some((edit) => /Superseded/.test(edit.text)),
      'the superseded message to be edited',
    );
    const last = edits.at(-1)!;
    expect(last.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(JSON.stringify(last.blocks)).toContain(`Revision ${b.sha.slice(0, 12)}`);

    // A click on A's old Approve button is answered privately as refused, and A never executes.
    const ephemeralBefore = e2e.recorder.requestsTo('POST', '/api/chat.postEphemeral').length;
    expect((await e2e.click(a)).status).toBe(200);
    const replies = await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/api/chat.postEphemeral').slice(ephemeralBefore),
      (list) => list.length > 0,
      'the private reply to the voter',
    );
    const reply = replies[0]!.body as Record<string, string>;
    expect(reply.user).toBe(APPROVER_SLACK_ID);
    expect(reply.text).toMatch(/newer revision of this stack replaced this deployment/);
    expect(reply.text).toContain(b.sha.slice(0, 12));
    await quiet(e2e, 'replaced');
    const after = (await e2e.store.getDeployment(a.id))!;
    expect(after.status).toBe('SUPERSEDED');
    expect(await e2e.store.listApprovals(a.id)).toEqual([]);
    const audit = await e2e.store.listAudit(`deployment#${a.id}`);
    expect(audit.map((record) => record.action)).not.toContain('execution-started');
    expect(audit.at(-1)).toMatchObject({ action: 'vote-refused', actor: `slack:${APPROVER_SLACK_ID}` });
  });

  it('edits an expired request in place without buttons, saying when it expired', async () => {
    const repo = e2e.repository('expiring');
    // The first deployment is approved under the control-plane rule; once applied, its converge.yaml
    // (with the short ttl) is the trusted rule for the next revision.
    const rule = `{ required: 1, autoApprove: never, ttl: ${TTL_SECONDS}s }`;
    await repo.push({
      'converge.yaml': convergeYaml(['lapsed'], rule),
      'stacks/lapsed.yaml': template('v1'),
    });
    const first = await settled(e2e, 'lapsed', ['AWAITING_APPROVAL']);
    await e2e.click(first);
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    await repo.push({ 'stacks/lapsed.yaml': template('v2') });
    const pending = await e2e.waitFor(
      async () => (await e2e.deployments('lapsed')).find((d) => d.id !== first.id),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the second revision to await approval',
    );
    const waiting = await withSlackMessage(e2e, pending!.id);
    const expiresAt = Date.parse(waiting.expiresAt!);
    expect(expiresAt - Date.parse(waiting.updatedAt)).toBeLessThanOrEqual(TTL_SECONDS * 1000);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 100)));
    await e2e.host.runSchedule('reconcile');
    expect((await reaches(e2e, waiting.id, ['EXPIRED'])).status).toBe('EXPIRED');

    const edits = await e2e.waitFor(
      async () => slackEdits(e2e, waiting),
      (list) => list.some((edit) => /Expired/.test(edit.text)),
      'the expired message to be edited',
    );
    const last = edits.at(-1)!;
    expect(last.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(JSON.stringify(last.blocks)).toContain(`Expired without approval at ${waiting.expiresAt}`);

    // A click on its old button is refused privately, saying when the window closed.
    const ephemeralBefore = e2e.recorder.requestsTo('POST', '/api/chat.postEphemeral').length;
    expect((await e2e.click(waiting)).status).toBe(200);
    const replies = await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/api/chat.postEphemeral').slice(ephemeralBefore),
      (list) => list.length > 0,
      'the private reply to the voter',
    );
    expect((replies[0]!.body as Record<string, string>).text).toContain(
      `The approval window closed at ${waiting.expiresAt}`,
    );
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('EXPIRED');
    expect(await e2e.store.listApprovals(waiting.id)).toEqual([]);
  });
});
