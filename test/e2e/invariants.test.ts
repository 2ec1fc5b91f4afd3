import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedSlackClick } from '../../local/host/signed-slack-click.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import {
  APPROVER_SLACK_ID,
  convergeYaml,
  type E2e,
  quiet,
  REGION,
  reaches,
  SECRETS,
  settled,
  startE2e,
  template,
} from './support/e2e-harness.ts';
import { overlappingExecutions, stackExecutions } from './support/stack-executions.ts';

/** The value of the stack's SSM parameter in the local cloud. */
async function parameterValue(e2e: E2e, stackName: string): Promise<string | undefined> {
  const endpoint = e2e.host.cloudEndpoint;
  const { Stacks } = await new CloudFormationClient({ region: REGION, endpoint }).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const name = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'SettingName')?.OutputValue;
  const resource = await new CloudControlClient({ region: REGION, endpoint }).send(
    new GetResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: name }),
  );
  return JSON.parse(resource.ResourceDescription?.Properties ?? '{}').Value;
}

describe.concurrent('the invariants of ARCHITECTURE.md, through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e([
      'binding',
      'ordering',
      'concurrent',
      'duplicate',
      'rejected',
      'trusted',
      'unheard',
    ]);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('executes nothing on a click naming another deployment’s change set', async () => {
    const repo = e2e.repository('binding');
    await repo.push({
      'converge.yaml': convergeYaml(['bind-a', 'bind-b']),
      'stacks/bind-a.yaml': template('a1'),
      'stacks/bind-b.yaml': template('b1'),
    });
    const a = await settled(e2e, 'bind-a', ['AWAITING_APPROVAL']);
    const b = await settled(e2e, 'bind-b', ['AWAITING_APPROVAL']);

    const crossed = await e2e.click(a, { changeSetId: b.changeSet!.id });
    expect(crossed.status).toBe(200);
    const unknown = await e2e.click(a, {
      deploymentId: '01J00000000000000000000000',
      changeSetId: a.changeSet!.id,
    });
    expect(unknown.status).toBe(200);
    await quiet(e2e, 'bind-a');
    expect((await e2e.store.getDeployment(a.id))?.status).toBe('AWAITING_APPROVAL');
    expect((await e2e.store.getDeployment(b.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(a.id)).toEqual([]);

    // The click bound to a's own change set executes a, and only a.
    await e2e.click(a);
    expect((await reaches(e2e, a.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect((await e2e.store.getDeployment(b.id))?.status).toBe('AWAITING_APPROVAL');
  });

  it('answers a refused click that names no channel (nowhere to tell the voter) like any refusal, and changes nothing', async () => {
    const repo = e2e.repository('unheard');
    await repo.push({ 'converge.yaml': convergeYaml(['unheard']), 'stacks/unheard.yaml': template('u1') });
    const waiting = await settled(e2e, 'unheard', ['AWAITING_APPROVAL']);
    // A click carrying neither a channel nor a response_url, for a change set that is not the deployment's.
    const { headers, body } = signedSlackClick({
      decision: 'approve',
      deploymentId: waiting.id,
      changeSetId: 'arn:aws:cloudformation:us-east-1:000000000000:changeSet/other/1',
      userId: APPROVER_SLACK_ID,
      signingSecret: SECRETS.slackSigningSecret,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const answer = await fetch(`${e2e.host.url}/slack/actions`, { method: 'POST', headers, body });
    expect(answer.status).toBe(200);
    await quiet(e2e, 'unheard');
    expect((await e2e.store.getDeployment(waiting.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(waiting.id)).toEqual([]);
    const refused = (await e2e.store.listAudit(`deployment#${waiting.id}`)).filter(
      (entry) => entry.action === 'vote-refused',
    );
    expect(refused).toHaveLength(1);
  });

  it('never executes an older revision after a newer one was planned', async () => {
    const repo = e2e.repository('ordering');
    await repo.push({ 'converge.yaml': convergeYaml(['ordered']), 'stacks/ordered.yaml': template('v1') });
    const older = await settled(e2e, 'ordered', ['AWAITING_APPROVAL']);
    await repo.push({ 'stacks/ordered.yaml': template('v2') });
    expect((await reaches(e2e, older.id, ['SUPERSEDED'])).status).toBe('SUPERSEDED');
    const newer = await e2e.waitFor(
      async () => (await e2e.deployments('ordered')).find((d) => d.id !== older.id),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the newer revision to await approval',
    );

    await e2e.click(older);
    await quiet(e2e, 'ordered');
    expect((await e2e.store.getDeployment(older.id))?.status).toBe('SUPERSEDED');

    await e2e.click(newer!);
    expect((await reaches(e2e, newer!.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect((await e2e.store.getDeployment(older.id))?.status).toBe('SUPERSEDED');
    expect(await parameterValue(e2e, 'ordered')).toBe('v2');
  });

  it('runs one execution per stack at a time under concurrent pushes and approvals', async () => {
    const repo = e2e.repository('concurrent');
    await repo.push({ 'converge.yaml': convergeYaml(['busy']), 'stacks/busy.yaml': template('v1') });
    const first = await settled(e2e, 'busy', ['AWAITING_APPROVAL']);

    // Approve the first while a second and a third revision arrive.
    await Promise.all([e2e.click(first), repo.push({ 'stacks/busy.yaml': template('v2') })]);
    await repo.push({ 'stacks/busy.yaml': template('v3') });
    const approveEverything = async () => {
      for (const d of await e2e.deployments('busy')) if (d.status === 'AWAITING_APPROVAL') await e2e.click(d);
    };
    const last: readonly Deployment[] = await e2e.waitFor(
      async () => {
        await approveEverything();
        return e2e.deployments('busy');
      },
      (all) =>
        all.length >= 3 &&
        all.every((d) =>
          ['SUCCEEDED', 'SUPERSEDED', 'FAILED', 'NO_CHANGES', 'PLAN_FAILED'].includes(d.status),
        ),
      'every revision of busy to finish',
      60_000,
    );

    // The stack's own events (CloudFormation's record, not a sample of the store): each
    // execution's events end before the next one's begin.
    const executions = await stackExecutions(e2e.host.cloudEndpoint, REGION, 'busy');
    const succeeded = last.filter((d) => d.status === 'SUCCEEDED').map((d) => d.id);
    expect(executions.map((e) => e.token)).toEqual(expect.arrayContaining(succeeded));
    expect(overlappingExecutions(executions)).toEqual([]);
    const newest = [...last].sort((x, y) => x.createdAt.localeCompare(y.createdAt)).at(-1)!;
    expect(newest.status).toBe('SUCCEEDED');
    expect(await parameterValue(e2e, 'busy')).toBe('v3');
  });

  it('processes a duplicate delivery once', async () => {
    const repo = e2e.repository('duplicate');
    const pushed = await repo.push({
      'converge.yaml': convergeYaml(['twice']),
      'stacks/twice.yaml': template('v1'),
    });
    expect(pushed.status).toBe(202);
    await settled(e2e, 'twice', ['AWAITING_APPROVAL']);
    const again = await e2e.deliver('push', JSON.parse(pushed.body), { deliveryId: pushed.deliveryId });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' });
    await quiet(e2e, 'twice');
    expect(await e2e.deployments('twice')).toHaveLength(1);
  });

  it('answers bad signatures, stale Slack clicks, malformed and oversized bodies with 4xx and writes nothing', async () => {
    const repo = e2e.repository('rejected');
    const unsent = await repo.push(
      { 'converge.yaml': convergeYaml(['guarded']), 'stacks/guarded.yaml': template('v1') },
      { send: false },
    );
    const payload = JSON.parse(unsent.body);
    const queued = () => e2e.host.queues.plan.sentGroups.filter((group) => group.endsWith('/guarded'));

    const forged = await e2e.deliver('push', payload, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const malformed = await fetch(`${e2e.host.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'm-1' },
      body: '{"ref": ',
    });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    const missingField = await e2e.deliver('push', { ...payload, after: undefined, repository: undefined });
    expect(missingField.status).toBe(400);
    const oversized = await fetch(`${e2e.host.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push' },
      body: 'x'.repeat(6 * 1024 * 1024 + 1),
    });
    expect(oversized.status).toBe(413);
    expect(queued()).toEqual([]);
    expect(await e2e.deployments('guarded')).toEqual([]);

    // A real push, then an Approve click signed six minutes ago and one with a wrong signature.
    await e2e.deliver('push', payload);
    const awaiting = await settled(e2e, 'guarded', ['AWAITING_APPROVAL']);
    const stale = await e2e.click(awaiting, { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${e2e.host.url}/slack/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D',
    });
    expect(unsigned.status).toBe(401);
    expect((await e2e.store.getDeployment(awaiting.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await e2e.store.listApprovals(awaiting.id)).toEqual([]);
    expect(SECRETS.webhookSecret).not.toBe('not-the-secret');
  });

  it('still waits for approval when the pushed commit relaxes the approval rule in converge.yaml', async () => {
    const repo = e2e.repository('trusted');
    await repo.push({ 'converge.yaml': convergeYaml(['gated']), 'stacks/gated.yaml': template('v1') });
    const first = await settled(e2e, 'gated', ['AWAITING_APPROVAL']);
    await e2e.click(first);
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    await repo.push({
      'converge.yaml': convergeYaml(['gated'], '{ required: 1, autoApprove: always }'),
      'stacks/gated.yaml': template('v2'),
    });
    const second: Deployment | undefined = await e2e.waitFor(
      async () => (await e2e.deployments('gated')).find((d) => d.id !== first.id),
      (d) => d !== undefined && d.status !== 'PLANNING',
      'the relaxed revision to be planned',
    );
    expect(second?.status).toBe('AWAITING_APPROVAL');
    await quiet(e2e, 'gated');
    expect((await e2e.store.getDeployment(second!.id))?.status).toBe('AWAITING_APPROVAL');
    expect(await parameterValue(e2e, 'gated')).toBe('v1');
  });
});
