import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettableClock } from '../../local/host/settable-clock.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../shared/domain/deployment/deployment.ts';
import { recordDevHost, runConverge } from './support/converge-binary.ts';
import {
  convergeYaml,
  type E2e,
  quiet,
  REGION,
  reaches,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

const REPOSITORIES = ['win', 'sus'];
const MINUTE = 60_000;

/**
 * A daily deny window of the control-plane policy that opened a minute or two before `now` (UTC)
 * and lasts an hour: the host's clock starts inside it.
 */
function freezeAround(now: number): { cron: string; opened: number } {
  const opened = new Date(Math.floor((now - MINUTE) / MINUTE) * MINUTE);
  return { cron: `${opened.getUTCMinutes()} ${opened.getUTCHours()} * * *`, opened: opened.getTime() };
}

describe('deploy windows and suspend/resume, end to end through the local host', () => {
  let e2e: E2e;
  let dir: string;
  let project: string;
  const clock = new SettableClock();
  const freeze = freezeAround(clock.now());
  const freezeEnds = new Date(freeze.opened + 60 * MINUTE).toISOString();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-windows-'));
    await writeFile(
      join(dir, 'policy.yaml'),
      [
        'version: 1',
        'repositories:',
        ...REPOSITORIES.map((name) => `  acme/${name}: { branches: [main], stacks: ["*"] }`),
        'approvers: ["slack:U0APPROVER", "cli:carol"]',
        'slack: { teamId: T0LOCAL }',
        'windows:',
        `  - { kind: deny, cron: "${freeze.cron}", duration: 1h, timeZone: UTC, name: incident drill }`,
        '',
      ].join('\n'),
    );
    e2e = await startE2e(REPOSITORIES, { policyFile: join(dir, 'policy.yaml'), clock });
    project = await mkdtemp(join(tmpdir(), 'converge-windows-project-'));
    await recordDevHost(e2e, project, REPOSITORIES);
  }, 180_000);

  afterAll(async () => {
    await e2e?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  const auditActions = async (deployment: Deployment) =>
    (await e2e.store.listAudit(`deployment#${deployment.id}`)).map((record) => record.action);
  const heldOnce = (deployment: Deployment) =>
    e2e.waitFor(
      () => auditActions(deployment),
      (actions) => actions.includes('held'),
      `the execution of ${deployment.id} to be held`,
    );

  it('holds a deploy approved inside a deny window, says when it may run, and releases it when the window ends', async () => {
    await e2e.repository('win').push({
      'converge.yaml': convergeYaml(['win-app']),
      'stacks/win-app.yaml': template('v1'),
    });
    const waiting = await settled(e2e, 'win-app', ['AWAITING_APPROVAL']);
    expect(waiting.windows?.[0]?.windows[0]).toMatchObject({ kind: 'deny', name: 'incident drill' });
    expect((await e2e.click(waiting)).status).toBe(200);

    // Approved, executed by nobody: the deploy waits, still APPROVED, and says until when.
    await heldOnce(waiting);
    await quiet(e2e, 'win-app');
    const held = await e2e.store.getDeployment(waiting.id);
    expect(held?.status).toBe('APPROVED');
    const slack = e2e.recorder
      .requestsTo('POST', '/api/chat.update')
      .map((request) => decodeURIComponent(request.rawBody))
      .join('\n');
    expect(slack).toContain(`may run at ${freezeEnds}`);

    // The reconcile schedule leaves it waiting while the window is open.
    await e2e.host.runSchedule('reconcile');
    await quiet(e2e, 'win-app');
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('APPROVED');

    // `converge why` and `converge show` say what it waits for (the binary reads the real clock,
    // still inside the window).
    const why = await runConverge(project, ['why', 'win-app']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain(`may run at ${freezeEnds}`);
    const show = await runConverge(project, ['show', waiting.id]);
    expect(show.stdout).toMatch(/waiting\s+Outside its deploy windows: deny window "incident drill"/);

    // The window ends: the next reconcile releases it and it deploys.
    clock.advance(61 * MINUTE);
    await e2e.host.runSchedule('reconcile');
    const done = await reaches(e2e, waiting.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');
  });

  it('an approver overrides the window of a held deploy through the binary, with a reason; others cannot', async () => {
    // The same freeze, a day later.
    clock.set(freeze.opened + 24 * 60 * MINUTE + 5 * MINUTE);
    await e2e.repository('win').push({ 'stacks/win-app.yaml': template('v2') });
    const waiting = await e2e.waitFor(
      async () => (await e2e.deployments('win-app')).find((d) => d.status === 'AWAITING_APPROVAL'),
      (d) => d !== undefined,
      'the second deploy of win-app to await approval',
    );
    expect((await e2e.click(waiting!)).status).toBe(200);
    await heldOnce(waiting!);
    const id = waiting!.id;

    // Without a reason: a usage error. Mallory: refused. Both change nothing.
    const bare = await runConverge(project, ['approve', id, '--override-window', '--as', 'cli:carol']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('--override-window needs --reason');
    const mallory = await runConverge(project, [
      'approve',
      id,
      '--override-window',
      '--as',
      'cli:mallory',
      '--reason',
      'trust me',
    ]);
    expect(mallory.code).toBe(1);
    expect(mallory.stderr).toContain('cli:mallory may not override the windows of deployment');
    expect(await auditActions(waiting!)).not.toContain('window-overridden');
    expect((await e2e.store.getDeployment(id))?.status).toBe('APPROVED');

    // Carol, with a reason: audited, and it deploys inside the freeze.
    const carol = await runConverge(project, [
      'approve',
      id,
      '--override-window',
      '--as',
      'cli:carol',
      '--reason',
      'hotfix for INC-7',
    ]);
    expect(carol.code).toBe(0);
    expect(carol.stdout).toContain('window overridden by cli:carol');
    expect((await reaches(e2e, id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    const override = (await e2e.store.listAudit(`deployment#${id}`)).find(
      (r) => r.action === 'window-overridden',
    );
    expect(override).toMatchObject({ actor: 'cli:carol', reason: 'hotfix for INC-7' });
  });

  it('suspend holds an approved deploy (approvers only, audited with who and why); resume releases it', async () => {
    // Well past the freeze, so only the suspension holds.
    clock.set(freeze.opened + 3 * 60 * MINUTE);
    await e2e.repository('sus').push({
      'converge.yaml': convergeYaml(['sus-app']),
      'stacks/sus-app.yaml': template('v1'),
    });
    const waiting = await settled(e2e, 'sus-app', ['AWAITING_APPROVAL']);
    const key = stackKey({ stackName: 'sus-app', region: REGION });

    // Mallory is no approver: refused, exit 1, nothing written.
    const refused = await runConverge(project, ['suspend', 'sus-app', '--as', 'cli:mallory']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^converge suspend: refused: cli:mallory may not suspend stack sus-app/);
    expect((await e2e.store.getStackState(key))?.suspended).toBeUndefined();

    // A stack Converge does not know: exit 3.
    expect((await runConverge(project, ['suspend', 'no-such-stack', '--as', 'cli:carol'])).code).toBe(3);

    // Carol suspends it, with a reason.
    const suspended = await runConverge(project, [
      'suspend',
      'sus-app',
      '--as',
      'cli:carol',
      '--reason',
      'INC-42',
    ]);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain('sus-app: suspended');
    expect((await e2e.store.getStackState(key))?.suspended).toMatchObject({
      by: 'cli:carol',
      reason: 'INC-42',
    });
    expect(await e2e.store.listAudit(`stack#${key}`)).toEqual([
      expect.objectContaining({ action: 'suspended', actor: 'cli:carol', reason: 'INC-42' }),
    ]);

    // Approved while suspended: it waits, through the reconcile schedule too.
    expect((await e2e.click(waiting)).status).toBe(200);
    await heldOnce(waiting);
    await e2e.host.runSchedule('reconcile');
    await quiet(e2e, 'sus-app');
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('APPROVED');
    const status = await runConverge(project, ['status']);
    expect(status.stdout).toMatch(/sus-app \(suspended\).*APPROVED \S+ \(waits: suspended\)/);
    const why = await runConverge(project, ['why', 'sus-app']);
    expect(why.stdout).toContain('sus-app is suspended by cli:carol');

    // Resume: what waited is released and deploys.
    const resumed = await runConverge(project, ['resume', 'sus-app', '--as', 'cli:carol']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Released: ${waiting.id}`);
    const done = await reaches(e2e, waiting.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');
    expect((await e2e.store.getStackState(key))?.suspended).toBeUndefined();
    expect((await e2e.store.listAudit(`stack#${key}`)).map((r) => [r.action, r.actor])).toEqual([
      ['suspended', 'cli:carol'],
      ['resumed', 'cli:carol'],
    ]);
  });
});
