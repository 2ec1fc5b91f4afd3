import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../shared/domain/deployment/deployment.ts';
import { managedStacks } from '../../shared/use-cases/drift/managed-stacks.ts';
import { type E2e, quiet, REGION, reaches, settled, startE2e, template } from './support/e2e-harness.ts';

/** converge.yaml naming `stacks`, each with the extra lines given (`onRemove: delete`). */
function yaml(stacks: Record<string, readonly string[]>): string {
  const entries = Object.entries(stacks);
  return [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    '  approval: { required: 1, autoApprove: never }',
    entries.length === 0 ? 'stacks: []' : 'stacks:',
    ...entries.flatMap(([name, extra]) => [
      `  - name: ${name}`,
      `    template: stacks/${name}.yaml`,
      ...extra.map((line) => `    ${line}`),
    ]),
    '',
  ].join('\n');
}

describe.concurrent('a stack removed from converge.yaml', () => {
  let e2e: E2e;
  let cfn: CloudFormationClient;
  const key = (stackName: string) => stackKey({ stackName, region: REGION });
  const liveStatus = async (stackName: string) =>
    cfn
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .then((out) => out.Stacks?.[0]?.StackStatus)
      .catch(() => 'absent');
  const released = (stackName: string) =>
    e2e.recorder
      .requestsTo('POST', '/api/chat.postMessage')
      .filter((r) => JSON.stringify(r.body).includes(`${stackName} (${REGION}) is no longer managed`));

  /** Pushes the files, approves the stack's deployment from Slack, and waits for its outcome. */
  const deploy = async (
    repo: string,
    stackName: string,
    files: Record<string, string>,
  ): Promise<Deployment> => {
    await e2e.repository(repo).push(files);
    const awaiting = await settled(e2e, stackName, ['AWAITING_APPROVAL']);
    expect((await e2e.click(awaiting)).status).toBe(200);
    return reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED']);
  };

  beforeAll(async () => {
    e2e = await startE2e(['releasing', 'deleting', 'sneaky', 'guarded', 'unguarded']);
    cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('is released by default: told once, left as it is, and no longer swept for drift', async () => {
    const first = await deploy('releasing', 'kept-app', {
      'converge.yaml': yaml({ 'kept-app': [] }),
      'stacks/kept-app.yaml': template('v1'),
    });
    expect(first.status).toBe('SUCCEEDED');
    expect((await managedStacks({ store: e2e.store })).map((s) => s.stackKey)).toContain(key('kept-app'));

    await e2e.repository('releasing').push({ 'converge.yaml': yaml({}) });
    const state = await e2e.waitFor(
      () => e2e.store.getStackState(key('kept-app')),
      (s) => s?.released !== undefined,
      'kept-app to be released',
    );
    expect(state?.released?.outcome).toBe('released');
    await e2e.waitFor(
      async () => released('kept-app'),
      (list) => list.length === 1,
      'the release to be told in Slack',
    );
    expect(await liveStatus('kept-app')).toBe('CREATE_COMPLETE');
    expect((await managedStacks({ store: e2e.store })).map((s) => s.stackKey)).not.toContain(key('kept-app'));
    const trail = await e2e.store.listAudit(`stack#${key('kept-app')}`);
    expect(trail.map((r) => r.action)).toContain('released');

    // Another change to converge.yaml tells nothing new and plans no deletion.
    await e2e.repository('releasing').push({ 'converge.yaml': `${yaml({})}# still nothing\n` });
    await quiet(e2e, 'kept-app');
    expect(released('kept-app')).toHaveLength(1);
    expect((await e2e.deployments('kept-app')).map((d) => d.kind)).not.toContain('delete');
  });

  it('with onRemove: delete, shows every resource as removed, waits for approval, then deletes the stack', async () => {
    const first = await deploy('deleting', 'doomed-app', {
      'converge.yaml': yaml({ 'doomed-app': ['onRemove: delete'] }),
      'stacks/doomed-app.yaml': template('v1'),
    });
    expect(first.status).toBe('SUCCEEDED');

    await e2e.repository('deleting').push({ 'converge.yaml': yaml({}) });
    const awaiting = await settled(e2e, 'doomed-app', ['AWAITING_APPROVAL', 'PLAN_FAILED']);
    expect(awaiting.kind).toBe('delete');
    expect(awaiting.status).toBe('AWAITING_APPROVAL');
    const removals = awaiting.changeSet?.summary?.changes.map((c) => [c.logicalId, c.action]);
    expect(removals?.sort()).toEqual([
      ['Queue', 'Remove'],
      ['Setting', 'Remove'],
    ]);
    const asked = await e2e.waitFor(
      async () =>
        e2e.recorder
          .requestsTo('POST', '/api/chat.postMessage')
          .filter((r) => r.rawBody.includes('doomed-app') && r.rawBody.includes('deletion')),
      (list) => list.length === 1,
      'the deletion to be asked in Slack',
    );
    expect(asked[0]!.rawBody).toMatch(/Queue/);
    // Nothing is deleted before a person approves.
    expect(await liveStatus('doomed-app')).toBe('CREATE_COMPLETE');

    expect((await e2e.click(awaiting)).status).toBe(200);
    const done = await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED']);
    expect(done.reason).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    expect(await liveStatus('doomed-app')).toBe('absent');
    expect((await e2e.store.getStackState(key('doomed-app')))?.released?.outcome).toBe('deleted');
  });

  it('turns termination protection on after the deployment and refuses to delete the protected stack', async () => {
    const first = await deploy('guarded', 'guarded-app', {
      'converge.yaml': yaml({ 'guarded-app': ['onRemove: delete', 'terminationProtection: true'] }),
      'stacks/guarded-app.yaml': template('v1'),
    });
    expect(first.status).toBe('SUCCEEDED');
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'guarded-app' }));
    expect(Stacks?.[0]?.EnableTerminationProtection).toBe(true);

    await e2e.repository('guarded').push({ 'converge.yaml': yaml({}) });
    const refused = await settled(e2e, 'guarded-app', ['PLAN_FAILED', 'AWAITING_APPROVAL']);
    expect(refused).toMatchObject({
      kind: 'delete',
      status: 'PLAN_FAILED',
      reason: { code: 'StackProtected' },
    });
    expect(refused.reason?.message).toMatch(/termination protection/);
    expect(await liveStatus('guarded-app')).toBe('CREATE_COMPLETE');
  });

  it('turns termination protection off when converge.yaml says false, or drops the key Converge turned it on for', async () => {
    const protection = async () =>
      (await cfn.send(new DescribeStacksCommand({ StackName: 'unguarded-app' }))).Stacks?.[0]
        ?.EnableTerminationProtection;
    const step = async (lines: readonly string[], version: string) => {
      const deployed = await deploy('unguarded', 'unguarded-app', {
        'converge.yaml': yaml({ 'unguarded-app': lines }),
        'stacks/unguarded-app.yaml': template(version),
      });
      expect(deployed.status).toBe('SUCCEEDED');
      return protection();
    };
    expect(await step(['terminationProtection: true'], 'v1')).toBe(true);
    expect(await step(['terminationProtection: false'], 'v2')).toBe(false);
    expect(await step(['terminationProtection: true'], 'v3')).toBe(true);
    // The key removed after Converge turned protection on: Converge turns it off.
    expect(await step([], 'v4')).toBe(false);
    // Protection someone turned on by hand, on a stack whose converge.yaml never mentioned it, stays.
    await cfn.send(
      new UpdateTerminationProtectionCommand({
        StackName: 'unguarded-app',
        EnableTerminationProtection: true,
      }),
    );
    expect(await step([], 'v5')).toBe(true);
  });

  it('never deletes when the commit that removes the stack is the one that asks for deletion', async () => {
    const first = await deploy('sneaky', 'sneaky-app', {
      'converge.yaml': yaml({ 'sneaky-app': [] }),
      'stacks/sneaky-app.yaml': template('v1'),
    });
    expect(first.status).toBe('SUCCEEDED');

    // onRemove: delete arrives in a commit never applied, with the removal right after it.
    await e2e
      .repository('sneaky')
      .push({ 'converge.yaml': yaml({ 'sneaky-app': ['onRemove: delete'] }) }, { send: false });
    await e2e.repository('sneaky').push({ 'converge.yaml': yaml({}) });
    const state = await e2e.waitFor(
      () => e2e.store.getStackState(key('sneaky-app')),
      (s) => s?.released !== undefined,
      'sneaky-app to be released',
    );
    expect(state?.released?.outcome).toBe('released');
    await quiet(e2e, 'sneaky-app');
    expect((await e2e.deployments('sneaky-app')).map((d) => d.kind)).not.toContain('delete');
    expect(await liveStatus('sneaky-app')).toBe('CREATE_COMPLETE');
  });
});
