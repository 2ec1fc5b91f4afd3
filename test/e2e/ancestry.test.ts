import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../shared/domain/deployment/deployment.ts';
import {
  convergeYaml,
  type E2e,
  type E2eRepository,
  pushPayload,
  quiet,
  REGION,
  reaches,
  startE2e,
  template,
} from './support/e2e-harness.ts';

/** The value of the stack's SSM parameter in the local cloud: what is deployed. */
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

/** The deployment of `revision` once it has left PLANNING. */
function deploymentOf(e2e: E2e, stackName: string, revision: string): Promise<Deployment> {
  return e2e.waitFor(
    async () => (await e2e.deployments(stackName)).find((d) => d.revision === revision),
    (d) => d !== undefined && d.status !== 'PLANNING',
    `the deployment of ${revision.slice(0, 12)} to be planned`,
  ) as Promise<Deployment>;
}

/** Approves the deployment of `revision` (unless policy did) and waits for it to succeed. */
async function deployed(e2e: E2e, stackName: string, revision: string): Promise<Deployment> {
  const planned = await deploymentOf(e2e, stackName, revision);
  if (planned.status === 'AWAITING_APPROVAL') await e2e.click(planned);
  const done = await reaches(e2e, planned.id, ['SUCCEEDED', 'FAILED', 'SUPERSEDED', 'PLAN_FAILED']);
  expect(done.status).toBe('SUCCEEDED');
  return done;
}

/** The push webhook of `after` over `before`, as GitHub sends it, for a delivery sent later. */
function pushBody(repo: E2eRepository, before: string, after: string, paths: string[], forced = false) {
  return { ...pushPayload(repo.name, before, after, paths), forced };
}

const state = (e2e: E2e, stackName: string) =>
  e2e.store.getStackState(stackKey({ stackName, region: REGION }));

describe.concurrent('Git history orders deployments, through the local host', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e(['late', 'pending', 'replay', 'rewritten']);
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('records the late delivery of a parent commit as stale and never plans it: the stack keeps the child', async () => {
    const repo = e2e.repository('late');
    const parent = await repo.push(
      { 'converge.yaml': convergeYaml(['late-app']), 'stacks/late-app.yaml': template('a') },
      { send: false },
    );
    const child = await repo.push({ 'stacks/late-app.yaml': template('b') });
    expect(child.status).toBe(202);
    const childDeployment = await deployed(e2e, 'late-app', child.sha);

    // GitHub delivers the parent's push late (a retry, a slow queue).
    const late = await e2e.deliver('push', JSON.parse(parent.body));
    expect(late.status).toBe(202);
    const stale = await deploymentOf(e2e, 'late-app', parent.sha);
    await quiet(e2e, 'late-app');

    expect(stale.status).toBe('SUPERSEDED');
    expect(stale.reason?.code).toBe('StaleRevision');
    expect(stale.reason?.message).toContain(child.sha.slice(0, 12));
    expect((await e2e.store.getDeployment(stale.id))?.changeSet).toBeUndefined();
    expect(await state(e2e, 'late-app')).toMatchObject({
      lastAppliedRevision: child.sha,
      lastAppliedDeploymentId: childDeployment.id,
      lastAttemptedRevision: child.sha,
    });
    expect(await parameterValue(e2e, 'late-app')).toBe('b');
  });

  it('executes the child and never the parent when the child’s push is delivered first', async () => {
    const repo = e2e.repository('pending');
    const parent = await repo.push(
      { 'converge.yaml': convergeYaml(['pending-app']), 'stacks/pending-app.yaml': template('a') },
      { send: false },
    );
    const child = await repo.push({ 'stacks/pending-app.yaml': template('b') }, { send: false });
    // Both are pending; the child's push arrives first (its payload names every file: a new branch).
    expect(
      (await e2e.deliver('push', pushBody(repo, '0'.repeat(40), child.sha, ['converge.yaml']))).status,
    ).toBe(202);
    const awaiting = await deploymentOf(e2e, 'pending-app', child.sha);
    expect(awaiting.status).toBe('AWAITING_APPROVAL');
    expect((await e2e.deliver('push', JSON.parse(parent.body))).status).toBe(202);
    const stale = await deploymentOf(e2e, 'pending-app', parent.sha);
    expect(stale.status).toBe('SUPERSEDED');
    expect(stale.reason?.code).toBe('StaleRevision');

    await deployed(e2e, 'pending-app', child.sha);
    await quiet(e2e, 'pending-app');
    expect((await e2e.store.getDeployment(stale.id))?.status).toBe('SUPERSEDED');
    expect((await e2e.store.getDeployment(awaiting.id))?.status).toBe('SUCCEEDED');
    expect((await state(e2e, 'pending-app'))?.lastAppliedRevision).toBe(child.sha);
    expect(await parameterValue(e2e, 'pending-app')).toBe('b');
  });

  it('answers a replayed push with a new delivery id "duplicate", writes no deployment and rolls nothing back', async () => {
    const repo = e2e.repository('replay');
    const old = await repo.push({
      'converge.yaml': convergeYaml(['replay-app']),
      'stacks/replay-app.yaml': template('a'),
    });
    await deployed(e2e, 'replay-app', old.sha);
    const current = await repo.push({ 'stacks/replay-app.yaml': template('b') });
    await deployed(e2e, 'replay-app', current.sha);
    const before = await e2e.deployments('replay-app');

    // The old push's body byte for byte, signed as GitHub signed it, under a delivery id never seen.
    const replay = await e2e.deliver('push', JSON.parse(old.body), { deliveryId: 'replayed-delivery-1' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ outcome: 'duplicate' });
    await quiet(e2e, 'replay-app');

    expect(await e2e.deployments('replay-app')).toHaveLength(before.length);
    expect((await state(e2e, 'replay-app'))?.lastAppliedRevision).toBe(current.sha);
    expect(await parameterValue(e2e, 'replay-app')).toBe('b');
  });

  it('asks a person, flagged "history rewritten", for a force-pushed history even when the rule auto-approves', async () => {
    const repo = e2e.repository('rewritten');
    const autoApprove = '{ required: 1, autoApprove: always }';
    const base = await repo.push({
      'converge.yaml': convergeYaml(['rewritten-app'], autoApprove),
      'stacks/rewritten-app.yaml': template('a'),
    });
    await deployed(e2e, 'rewritten-app', base.sha);
    // The trusted rule now auto-approves: a descendant goes through without a person.
    const applied = await repo.push({ 'stacks/rewritten-app.yaml': template('b') });
    const auto = await deploymentOf(e2e, 'rewritten-app', applied.sha);
    expect(await e2e.store.listApprovals(auto.id)).toEqual([
      expect.objectContaining({ approver: 'policy:auto-approve' }),
    ]);
    await deployed(e2e, 'rewritten-app', applied.sha);

    // Force push: main is reset to the base and a different commit goes on top.
    await repo.repo.git('reset', '--quiet', '--hard', base.sha);
    const rewritten = await repo.push({ 'stacks/rewritten-app.yaml': template('c') }, { send: false });
    const forced = pushBody(repo, applied.sha, rewritten.sha, ['stacks/rewritten-app.yaml'], true);
    expect((await e2e.deliver('push', forced)).status).toBe(202);

    const gated = await deploymentOf(e2e, 'rewritten-app', rewritten.sha);
    await quiet(e2e, 'rewritten-app');
    expect((await e2e.store.getDeployment(gated.id))?.status).toBe('AWAITING_APPROVAL');
    expect(gated.historyRewritten).toEqual({ from: applied.sha });
    expect(await e2e.store.listApprovals(gated.id)).toEqual([]);
    const message = await e2e.waitFor(
      async () =>
        e2e.recorder
          .requestsTo('POST', '/api/chat.postMessage')
          .filter((r) => r.rawBody.includes(rewritten.sha.slice(0, 7))),
      (posted) => posted.length > 0,
      'the approval message of the rewritten revision',
    );
    expect(decodeURIComponent(message[0]?.rawBody.replace(/\+/g, ' ') ?? '')).toContain('History rewritten');
    expect(await parameterValue(e2e, 'rewritten-app')).toBe('b');
  });
});
