import { CloudControlClient, GetResourceCommand } from '@aws-sdk/client-cloudcontrol';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { castCliVote } from '../../cli/commands/approve.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';
import { deps } from '../../shared/runtime/deps.ts';
import { recordedExample } from '../support/github-delivery.ts';
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

describe.concurrent('deploying through the local host', () => {
  let e2e: E2e;
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    e2e = await startE2e(['happy', 'failing', 'rollback', 'preview', 'cli']);
    cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('plans a push, asks Slack, executes on a signed Approve click and updates the message in place', async () => {
    const repo = e2e.repository('happy');
    const pushed = await repo.push({
      'converge.yaml': convergeYaml(['happy-app']),
      'stacks/happy-app.yaml': template('v1'),
    });
    expect(pushed.status).toBe(202);
    const awaiting = await settled(e2e, 'happy-app', ['AWAITING_APPROVAL']);
    const asked = await e2e.waitFor(
      async () => (await e2e.store.getDeployment(awaiting.id))!,
      (d) => typeof d.notifications?.slack?.ts === 'string',
      'the Slack message to be recorded on the deployment',
    );
    const posted = e2e.recorder
      .requestsTo('POST', '/api/chat.postMessage')
      .filter((r) => r.rawBody.includes('happy-app'));
    expect(posted).toHaveLength(1);

    expect((await e2e.click(asked)).status).toBe(200);
    const done = await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');

    // The stack and its resources carry the pushed values.
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'happy-app' }));
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    const parameterName = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'SettingName')?.OutputValue;
    const cloudControl = new CloudControlClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    const parameter = await cloudControl.send(
      new GetResourceCommand({ TypeName: 'AWS::SSM::Parameter', Identifier: parameterName }),
    );
    expect(JSON.parse(parameter.ResourceDescription?.Properties ?? '{}').Value).toBe('v1');

    // The approval message was edited in place, ending with the outcome.
    const updates = await e2e.waitFor(
      async () =>
        e2e.recorder.requestsTo('POST', '/api/chat.update').filter((r) => r.rawBody.includes('happy-app')),
      (list) => list.some((r) => /succeeded/i.test(r.rawBody)),
      'the approval message to show the outcome',
    );
    expect(updates.map((r) => (r.body as { ts?: string }).ts)).toEqual(
      updates.map(() => asked.notifications?.slack?.ts),
    );
    expect(updates.map((r) => (r.body as { channel?: string }).channel)).toEqual(
      updates.map(() => (posted[0]!.body as { channel?: string }).channel),
    );
  });

  it('ends a failed execution FAILED with the reason and releases the stack lock', async () => {
    const repo = e2e.repository('failing');
    const deploy = async (files: Record<string, string>) => {
      await repo.push(files);
      const awaiting = await e2e.waitFor(
        async () => (await e2e.deployments('failing-app')).find((d) => d.status === 'AWAITING_APPROVAL'),
        (d) => d !== undefined,
        'a deployment of failing-app to await approval',
      );
      await e2e.click(awaiting!);
      return reaches(e2e, awaiting!.id, ['SUCCEEDED', 'FAILED']);
    };
    // A logical id only this stack has, so concurrent tests never meet the injected failure.
    const own = (value: string) =>
      template(value, {
        extra: [
          '  FailingSetting:',
          '    Type: AWS::SSM::Parameter',
          '    Properties:',
          '      Type: String',
          `      Value: ${value}`,
        ].join('\n'),
      });
    const first = await deploy({
      'converge.yaml': convergeYaml(['failing-app']),
      'stacks/failing-app.yaml': own('v1'),
    });
    expect(first.status).toBe('SUCCEEDED');

    // The update of the parameter fails in the local cloud; CloudFormation rolls the stack back.
    e2e.host.cloud!.cloudFormation.failures.add({
      operation: 'update',
      logicalId: 'FailingSetting',
      message: 'Injected: the parameter store refused the value',
      times: 1,
    });
    const failed = await deploy({ 'stacks/failing-app.yaml': own('v2') });
    expect(failed.status).toBe('FAILED');
    expect(JSON.stringify(failed.reason)).toContain('Injected: the parameter store refused the value');
    const state = await e2e.store.getStackState(failed.stackKey);
    expect(state?.lock === undefined || state.lock.expiresAt <= Date.now()).toBe(true);

    // The lock is free: the next revision executes.
    const next = await deploy({ 'stacks/failing-app.yaml': own('v3') });
    expect(next.status).toBe('SUCCEEDED');
  });

  it('deletes a stack whose first creation rolled back and creates it again on the next push', async () => {
    const repo = e2e.repository('rollback');
    const deploy = async (files: Record<string, string>) => {
      await repo.push(files);
      const awaiting = await e2e.waitFor(
        async () => (await e2e.deployments('rollback-app')).find((d) => d.status === 'AWAITING_APPROVAL'),
        (d) => d !== undefined,
        'a deployment of rollback-app to await approval',
      );
      await e2e.click(awaiting!);
      return reaches(e2e, awaiting!.id, ['SUCCEEDED', 'FAILED']);
    };
    // The first creation fails in the local cloud; CloudFormation leaves ROLLBACK_COMPLETE.
    // A logical id only this stack has, so concurrent tests never meet the injected failure.
    const extra = ['  RollbackTopic:', '    Type: AWS::SNS::Topic'].join('\n');
    e2e.host.cloud!.cloudFormation.failures.add({
      operation: 'create',
      logicalId: 'RollbackTopic',
      message: 'Injected: the parameter store refused the value',
      times: 1,
    });
    const failed = await deploy({
      'converge.yaml': convergeYaml(['rollback-app']),
      'stacks/rollback-app.yaml': template('v1', { extra }),
    });
    expect(failed.status).toBe('FAILED');
    const rolledBack = await cfn.send(new DescribeStacksCommand({ StackName: 'rollback-app' }));
    expect(rolledBack.Stacks?.[0]?.StackStatus).toBe('ROLLBACK_COMPLETE');

    // The fixed push deletes the empty stack, says so in the audit trail, and creates it again.
    const fixed = await deploy({ 'stacks/rollback-app.yaml': template('v2', { extra }) });
    expect(fixed.status).toBe('SUCCEEDED');
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'rollback-app' }));
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    const trail = await e2e.store.listAudit(`deployment#${fixed.id}`);
    expect(trail.map((record) => record.action)).toContain('stack-deleted');
  });

  it('previews a pull request on GitHub and never executes it', async () => {
    const repo = e2e.repository('preview');
    const base = await repo.push(
      { 'converge.yaml': convergeYaml(['preview-app']), 'stacks/preview-app.yaml': template('v1') },
      { send: false },
    );
    await repo.repo.git('checkout', '--quiet', '-b', 'feature');
    const head = await repo.repo.commit({
      files: { 'stacks/preview-app.yaml': template('v2') },
      message: 'try v2',
    });
    await repo.repo.git('checkout', '--quiet', 'main');

    const payload = recordedExample('pull_request', (example) => example.action === 'opened');
    payload.number = 7;
    payload.pull_request.number = 7;
    payload.pull_request.head.sha = head;
    payload.pull_request.head.ref = 'feature';
    payload.pull_request.base.sha = base.sha;
    payload.pull_request.base.ref = 'main';
    payload.repository.full_name = repo.name;
    payload.repository.name = 'preview';
    payload.repository.owner.login = 'acme';
    const response = await e2e.deliver('pull_request', payload);
    expect(response.status).toBe(202);

    const comments = await e2e.waitFor(
      async () => e2e.recorder.requestsTo('POST', '/repos/acme/preview/issues/7/comments'),
      (list) => list.length > 0,
      'the preview comment on the pull request',
    );
    expect(comments[0]!.rawBody).toContain('preview-app');
    expect(e2e.recorder.requestsTo('POST', '/repos/acme/preview/check-runs').length).toBeGreaterThan(0);
    await quiet(e2e, 'preview-app');
    const [preview] = await e2e.deployments('preview-app');
    expect(preview?.kind).toBe('preview');
    expect(['EXECUTING', 'SUCCEEDED', 'APPROVED']).not.toContain(preview?.status);
    const stacks = await cfn
      .send(new DescribeStacksCommand({ StackName: 'preview-app' }))
      .catch(() => undefined);
    expect(stacks?.Stacks?.[0]?.StackStatus ?? 'none').not.toMatch(/COMPLETE$/);
  });

  it('takes `converge approve` votes through the same gate, bound to the deployment', async () => {
    const repo = e2e.repository('cli');
    const rule = '{ required: 1, autoApprove: never, approvers: ["cli:alice"] }';
    await repo.push({
      'converge.yaml': convergeYaml(['cli-app'], rule),
      'stacks/cli-app.yaml': template('v1'),
    });
    // A first deployment is the control-plane approvers' to approve, not the repository's approvers'.
    const first = await settled(e2e, 'cli-app', ['AWAITING_APPROVAL']);
    const early = await castCliVote(deps(), { deploymentId: first.id, as: 'cli:alice', decision: 'approve' });
    expect(early.outcome).toBe('refused');
    await e2e.click(first);
    expect((await reaches(e2e, first.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');

    // The next revision is gated by the trusted rule, whose approver votes from the CLI.
    await repo.push({ 'stacks/cli-app.yaml': template('v2') });
    const awaiting = (await e2e.waitFor(
      async () => (await e2e.deployments('cli-app')).find((d) => d.id !== first.id),
      (d) => d?.status === 'AWAITING_APPROVAL',
      'the second revision to await approval',
    )) as Deployment;

    const unknown = await castCliVote(deps(), {
      deploymentId: '01J00000000000000000000000',
      as: 'cli:alice',
      decision: 'approve',
    });
    expect(unknown.outcome).toBe('refused');
    await expect(
      castCliVote(deps(), { deploymentId: awaiting.id, as: 'slack:U0123', decision: 'approve' }),
    ).rejects.toThrow(/cli:alice/);

    const vote = await castCliVote(deps(), {
      deploymentId: awaiting.id,
      as: 'cli:alice',
      decision: 'approve',
    });
    expect(vote.outcome).toBe('approved');
    expect((await reaches(e2e, awaiting.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect((await e2e.store.listApprovals(awaiting.id)).map((a) => [a.approver, a.via])).toEqual([
      ['cli:alice', 'cli'],
    ]);
  });
});
