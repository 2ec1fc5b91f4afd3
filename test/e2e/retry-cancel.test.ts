import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { recordDevHost, runConverge } from './support/converge-binary.ts';
import {
  convergeYaml,
  type E2e,
  REGION,
  reaches,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';

const REPOSITORIES = ['ctl', 'rty'];

/** The control-plane policy: the harness's Slack approver, and carol on the command line. */
const POLICY = [
  'version: 1',
  'repositories:',
  ...REPOSITORIES.map((name) => `  acme/${name}: { branches: [main], stacks: ["*"] }`),
  'approvers: ["slack:U0APPROVER", "cli:carol"]',
  'slack: { teamId: T0LOCAL }',
  '',
].join('\n');

describe('converge retry and converge cancel, through the binary against a running host', () => {
  let e2e: E2e;
  let dir: string;
  let project: string;
  let cfn: CloudFormationClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-control-'));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    e2e = await startE2e(REPOSITORIES, { policyFile: join(dir, 'policy.yaml') });
    project = await mkdtemp(join(tmpdir(), 'converge-control-project-'));
    await recordDevHost(e2e, project, REPOSITORIES);
    cfn = new CloudFormationClient({
      region: REGION,
      endpoint: e2e.host.cloudEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 180_000);

  afterAll(async () => {
    await e2e?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  const approvals = async (deployment: Deployment) =>
    (await e2e.store.listApprovals(deployment.id)).map((a) => [a.approver, a.decision, a.via]);

  it('cancels a deployment awaiting approval as a reject: REJECTED, its change set deleted; a non-approver changes nothing', async () => {
    await e2e.repository('ctl').push({
      'converge.yaml': convergeYaml(['ctl-app']),
      'stacks/ctl-app.yaml': template('v1'),
    });
    const waiting = await settled(e2e, 'ctl-app', ['AWAITING_APPROVAL']);

    // Mallory is no approver: refused, exit 1, nothing written.
    const refused = await runConverge(project, ['cancel', waiting.id, '--as', 'cli:mallory']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^converge cancel: refused: cli:mallory may not cancel deployment/);
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await approvals(waiting)).toEqual([]);

    const describeChangeSet = () =>
      cfn.send(new DescribeChangeSetCommand({ StackName: 'ctl-app', ChangeSetName: waiting.changeSet!.id }));
    expect((await describeChangeSet()).Status).toBe('CREATE_COMPLETE');

    // Carol is: a reject vote through the same gate as Slack's.
    const run = await runConverge(project, [
      'cancel',
      waiting.id,
      '--as',
      'cli:carol',
      '--reason',
      'wrong subnet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${waiting.id} (ctl-app): cancelled, now REJECTED`);
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('REJECTED');
    expect(await approvals(waiting)).toEqual([['cli:carol', 'reject', 'cli']]);
    await expect(describeChangeSet()).rejects.toThrow(/does not exist/);

    // Nothing left to cancel, nor to retry (a rejection needs a new commit).
    const again = await runConverge(project, ['cancel', waiting.id, '--as', 'cli:carol', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'refused', code: 'Finished' });
    const retry = await runConverge(project, ['retry', waiting.id, '--as', 'cli:carol']);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain('an approver rejected it');
  });

  it('retries a FAILED deployment: a new deployment of the same revision waits for approval; a non-approver queues nothing', async () => {
    const repo = e2e.repository('rty');
    const deploy = async (files: Record<string, string>) => {
      const { sha } = await repo.push(files);
      const awaiting = await e2e.waitFor(
        async () =>
          (await e2e.deployments('rty-app')).find(
            (d) => d.revision === sha && d.status === 'AWAITING_APPROVAL',
          ),
        (d) => d !== undefined,
        'a deployment of rty-app to await approval',
      );
      await e2e.click(awaiting!);
      return reaches(e2e, awaiting!.id, ['SUCCEEDED', 'FAILED']);
    };
    expect(
      (await deploy({ 'converge.yaml': convergeYaml(['rty-app']), 'stacks/rty-app.yaml': template('v1') }))
        .status,
    ).toBe('SUCCEEDED');
    e2e.host.cloud!.cloudFormation.failures.add({
      operation: 'update',
      logicalId: 'Setting',
      message: 'Injected: the parameter store refused the value',
      times: 1,
    });
    const failed = await deploy({ 'stacks/rty-app.yaml': template('v2') });
    expect(failed.status).toBe('FAILED');
    const before = await e2e.deployments('rty-app');

    // Mallory may not: exit 1, and no plan is queued.
    const refused = await runConverge(project, ['retry', failed.id, '--as', 'cli:mallory']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^converge retry: refused: cli:mallory may not retry deployment/);

    // Carol may: a fresh plan of the same revision, as a new deployment that waits at the gate.
    const run = await runConverge(project, ['retry', failed.id, '--as', 'cli:carol', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { outcome: string; deploymentId: string };
    expect(result.outcome).toBe('queued');
    const fresh = await reaches(e2e, result.deploymentId, ['AWAITING_APPROVAL', 'PLAN_FAILED', 'APPROVED']);
    expect(fresh).toMatchObject({
      status: 'AWAITING_APPROVAL',
      revision: failed.revision,
      stackKey: failed.stackKey,
    });
    expect(fresh.changeSet?.id).not.toBe(failed.changeSet?.id);
    expect(await approvals(fresh)).toEqual([]);
    expect((await e2e.deployments('rty-app')).map((d) => d.id).sort()).toEqual(
      [...before.map((d) => d.id), fresh.id].sort(),
    );

    // The old one is no longer the newest attempt: a second retry is refused.
    const twice = await runConverge(project, ['retry', failed.id, '--as', 'cli:carol']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`deployment ${fresh.id}`);

    // Approved like any other, the retried revision converges.
    await e2e.click(fresh);
    expect((await reaches(e2e, fresh.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('answers an unknown deployment with exit 3', async () => {
    const run = await runConverge(project, ['retry', '01J00000000000000000000000', '--as', 'cli:carol']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^converge retry: Deployment 01J00000000000000000000000 does not exist/);
  });
});
