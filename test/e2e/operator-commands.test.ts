import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { recordDevHost, runConverge } from './support/converge-binary.ts';
import {
  convergeYaml,
  type E2e,
  REGION,
  reaches,
  SECRETS,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

const VERSION = '0.1.0';

/** The real `converge` binary in `cwd`, with a clean environment. */
const converge = runConverge;

describe('converge status, deployments, show and why, through the binary against a running host', () => {
  let e2e: E2e;
  let project: string;
  let elsewhere: string;
  let waiting: Deployment;
  let sha: string;

  beforeAll(async () => {
    e2e = await startE2e(['ops']);
    project = await mkdtemp(join(tmpdir(), 'converge-ops-project-'));
    elsewhere = await mkdtemp(join(tmpdir(), 'converge-ops-elsewhere-'));
    // What `converge dev` records for other commands; this test process runs the host.
    await recordDevHost(e2e, project, ['ops']);
    ({ sha } = await e2e.push({
      'converge.yaml': convergeYaml(['ops-app']),
      'stacks/ops-app.yaml': template('v1'),
    }));
    waiting = await settled(e2e, 'ops-app', ['AWAITING_APPROVAL']);
  }, 180_000);

  afterAll(async () => {
    await e2e?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('finds the running host by itself and says what waits for whom', async () => {
    const status = await converge(project, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^STACK\s+REGION\s+APPLIED\s+LATEST\s+DRIFT\s+PENDING/m);
    expect(status.stdout).toContain(`ops-app  ${REGION}`);
    expect(status.stdout).toContain(`AWAITING_APPROVAL ${waiting.id}`);

    const why = await converge(join(project), ['why', 'ops-app']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain(`Deployment ${waiting.id} of ${sha.slice(0, 12)} awaits approval: 0 of 1`);
  });

  it('shows the history, the votes, the audit trail and the applied revision once approved', async () => {
    await e2e.click(waiting);
    await reaches(e2e, waiting.id, ['SUCCEEDED']);

    const show = await converge(project, ['show', waiting.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Deployment ${waiting.id} (deploy) of ops-app in ${REGION}`);
    expect(show.stdout).toMatch(/status\s+SUCCEEDED/);
    expect(show.stdout).toMatch(/changes\s+\+2 ~0 -0/);
    expect(show.stdout).toMatch(/vote\s+approve by slack:U0APPROVER via slack/);
    expect(show.stdout).toMatch(/audit\n(.*\n)*.*planning by system:plan/);
    expect(show.stdout).toMatch(/succeeded by system:/);

    const json = await converge(project, ['status', '--json']);
    const [stack] = JSON.parse(json.stdout) as { applied?: { revision: string }; pending: unknown[] }[];
    expect(stack?.applied?.revision).toBe(sha);
    expect(stack?.pending).toEqual([]);

    const history = await converge(project, ['deployments', '--stack', 'ops-app']);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain(`${waiting.id}`);
    expect(history.stdout).toContain('SUCCEEDED');

    const why = await converge(project, ['why', 'ops-app']);
    expect(why.stdout).toContain(`Converged on ${sha.slice(0, 12)}`);
  });

  it('reads a table named with flags the same way (as against AWS)', async () => {
    const run = await converge(
      elsewhere,
      ['show', waiting.id, '--table', e2e.host.tableName, '--region', REGION],
      {
        AWS_ENDPOINT_URL: e2e.host.cloudEndpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Deployment ${waiting.id}`);
  });

  it.each([
    [
      ['show', '01J00000000000000000000000'],
      3,
      /^converge show: Deployment 01J00000000000000000000000 does not exist/,
    ],
    [['why', 'no-such-stack'], 3, /^converge why: Converge has no state for a stack named no-such-stack/],
    [
      ['show'],
      2,
      /^converge show: missing required argument 'deployment-id'\nusage: converge show \[options\] <deployment-id>\n$/,
    ],
    [['deployments', '--limit', 'x'], 2, /^converge deployments: --limit must be a whole number/],
    [['status', '--colour'], 2, /^converge status: unknown option '--colour'/],
  ])('answers %j with exit %i and one line, never a stack trace', async (args, code, message) => {
    const run = await converge(project, args);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
  });

  it('says how to point it somewhere when no host runs here and no table is named', async () => {
    const run = await converge(elsewhere, ['status']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /^converge status: No running `converge dev` found .* pass --table NAME --region REGION/,
    );
  });

  it('converge push sends the signed push for a local commit, with the changed paths computed', async () => {
    const { sha: next } = await e2e.push({ 'stacks/ops-app.yaml': template('v2') }, { send: false });
    const unsigned = await converge(project, ['push', '--repo', 'acme/ops']);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('set the same variable here');

    const run = await converge(project, ['push', '--repo', 'acme/ops'], {
      CONVERGE_GITHUB_WEBHOOK_SECRET: SECRETS.webhookSecret,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `push acme/ops main ${sha.slice(0, 12)}..${next.slice(0, 12)} (1 paths changed)`,
    );
    const planned = await settled(e2e, 'ops-app', ['AWAITING_APPROVAL']);
    expect(planned.revision).toBe(next);

    const unknown = await converge(project, ['push', '--repo', 'acme/nope'], {
      CONVERGE_GITHUB_WEBHOOK_SECRET: SECRETS.webhookSecret,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('converge dev does not read acme/nope; it reads acme/ops');
  });

  it('converge drift and converge approve find the running host too, with no variables given', async () => {
    const drift = await converge(project, ['drift', 'list', '--stack', 'ops-app', '--region', REGION]);
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain('No drift records for ops-app');

    const unknown = await converge(project, ['drift', 'sweep', '--stack', 'no-such-stack']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^converge: .*no-such-stack/);
    expect(unknown.stderr).not.toMatch(/Error\b/);

    const vote = await converge(project, ['approve', '01J00000000000000000000000', '--as', 'cli:mallory']);
    expect(vote.code).toBe(1);
    expect(vote.stderr).toMatch(/Deployment 01J00000000000000000000000 does not exist/);
  });

  it('prints its version', async () => {
    const run = await converge(elsewhere, ['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
  });
});
