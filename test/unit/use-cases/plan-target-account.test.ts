import { describe, expect, it } from 'vitest';
import { stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { closeOnStackEvent } from '../../../shared/use-cases/execution/close-on-stack-event.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { testPolicy } from '../../support/test-policy.ts';
import { pipeline, REPOSITORY, REV1, STACK } from './pipeline-fixture.ts';

const TARGET = '111111111111';
const OTHER = '222222222222';
const TARGET_KEY = stackKey({ stackName: STACK, region: 'eu-west-1', account: TARGET });
const SERVICE_ROLE = `arn:aws:iam::${TARGET}:role/converge-cloudformation`;

/** converge.yaml placing STACK in `account`, with or without its own service role. */
function yamlIn(account: string, roleArn?: string): string {
  return [
    'version: 1',
    'defaults: { region: eu-west-1, branch: main }',
    'stacks:',
    `  - name: ${STACK}`,
    '    template: stacks/network.yaml',
    `    account: "${account}"`,
    ...(roleArn ? [`    roleArn: ${roleArn}`] : []),
    '    approval: { required: 1, autoApprove: never }',
    '',
  ].join('\n');
}

function world() {
  const p = pipeline();
  p.deps.policy = testPolicy({
    repositories: [REPOSITORY],
    approvers: ['slack:U0APPROVER'],
    accounts: [
      {
        id: TARGET,
        roleArn: `arn:aws:iam::${TARGET}:role/converge-deploy`,
        externalId: 'converge-x',
        serviceRoleArn: SERVICE_ROLE,
      },
    ],
  });
  return p;
}

describe('planStack: target accounts', () => {
  it('plans a stack in a listed account under its account key, with that account’s service role', async () => {
    const p = world();
    p.commit(REV1, { 'converge.yaml': yamlIn(TARGET) });
    const deployment = await planStack(p.deps, p.planJob(REV1, { stackKey: TARGET_KEY }));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.stackKey).toBe(`${TARGET}/eu-west-1/${STACK}`);
    expect(deployment.stack).toMatchObject({ account: TARGET, roleArn: SERVICE_ROLE });
    expect(p.stacks.created).toHaveLength(1);
  });

  it('refuses a stack in an account the policy does not list: PLAN_FAILED, no change set', async () => {
    const p = world();
    p.commit(REV1, { 'converge.yaml': yamlIn(OTHER) });
    const key = stackKey({ stackName: STACK, region: 'eu-west-1', account: OTHER });
    const deployment = await planStack(p.deps, p.planJob(REV1, { stackKey: key }));
    expect(deployment.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(deployment.reason).toMatchObject({
      code: ReasonCode.ACCOUNT_NOT_PERMITTED,
      message: expect.stringContaining(`targets account ${OTHER}`),
    });
    expect(p.stacks.created).toEqual([]);
    expect((await p.store.getStackState(key))?.owner).toBeUndefined();
  });

  it('refuses a fork preview of a stack in a target account, where no preview role keeps it from running', async () => {
    const p = world();
    p.deps.policy = {
      ...p.deps.policy,
      forks: { previews: true, previewRoleArn: 'arn:aws:iam::999999999999:role/converge-preview' },
    };
    p.commit(REV1, { 'converge.yaml': yamlIn(TARGET) });
    const deployment = await planStack(
      p.deps,
      p.planJob(REV1, { stackKey: TARGET_KEY, kind: 'preview', pullRequest: 7, fork: true }),
    );
    expect(deployment.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(deployment.reason).toMatchObject({
      code: ReasonCode.FORK_NOT_ALLOWED,
      message: expect.stringContaining(`lives in account ${TARGET}`),
    });
    expect(p.stacks.created).toEqual([]);
  });

  it('never gives a stack in a target account Converge’s own default service role', async () => {
    const p = world();
    p.deps.policy = {
      ...p.deps.policy,
      accounts: [{ ...p.deps.policy.accounts[0]!, serviceRoleArn: undefined }],
    };
    p.deps.settings = { ...p.deps.settings, defaultRoleArn: 'arn:aws:iam::999999999999:role/converge-cfn' };
    p.commit(REV1, { 'converge.yaml': yamlIn(TARGET) });
    const deployment = await planStack(p.deps, p.planJob(REV1, { stackKey: TARGET_KEY }));
    expect(deployment.stack.roleArn).toBeUndefined();
  });
});

describe('closeOnStackEvent: target accounts', () => {
  it('ignores a status event with the deployment’s token from a stack of the same name in another account', async () => {
    const p = world();
    p.commit(REV1, { 'converge.yaml': yamlIn(TARGET) });
    const planned = await planStack(p.deps, p.planJob(REV1, { stackKey: TARGET_KEY }));
    const result = await closeOnStackEvent(p.deps as never, {
      stackId: `arn:aws:cloudformation:eu-west-1:${OTHER}:stack/${STACK}/1`,
      status: 'UPDATE_COMPLETE',
      clientRequestToken: planned.id,
    });
    expect(result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('no deployment') });
    // The same event from the stack's own account is matched to the deployment.
    const own = await closeOnStackEvent(p.deps as never, {
      stackId: `arn:aws:cloudformation:eu-west-1:${TARGET}:stack/${STACK}/1`,
      status: 'UPDATE_COMPLETE',
      clientRequestToken: planned.id,
    });
    expect(own).toMatchObject({ outcome: 'ignored', reason: 'deployment is AWAITING_APPROVAL' });
  });
});
