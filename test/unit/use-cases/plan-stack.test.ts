import { describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../../shared/adapters/memory/memory-store.ts';
import { deploymentId, deploymentSuffix } from '../../../shared/domain/deployment/deployment-names.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import type { Store } from '../../../shared/ports/store.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { StackBusyError } from '../../../shared/use-cases/planning/stack-busy-error.ts';
import { CONVERGE_TAGS, convergeYaml, KEY, pipeline, REV1, REV2, STACK } from './pipeline-fixture.ts';

const REMOVAL = {
  kind: 'changes' as const,
  changes: [
    {
      Type: 'Resource',
      ResourceChange: { Action: 'Remove', LogicalResourceId: 'Old', ResourceType: 'AWS::SNS::Topic' },
    },
  ],
};

/** The store with some methods replaced; the others run on the store itself. */
function overriding(store: MemoryStore, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get: (target, name) => {
      const own = overrides[name as keyof Store] ?? target[name as keyof Store];
      return typeof own === 'function' ? own.bind(target) : own;
    },
  });
}

describe('planStack', () => {
  it('creates an UPDATE change set for an existing stack with the revision, deployment tags, capabilities and role', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    const [request] = p.stacks.created;
    expect(request).toMatchObject({
      changeSetType: 'UPDATE',
      changeSetName: `converge-${REV1.slice(0, 7)}-${deploymentSuffix(deployment.id)}`,
      parameters: { VpcCidr: '10.0.0.0/16' },
      capabilities: ['CAPABILITY_IAM'],
      roleArn: 'arn:aws:iam::123456789012:role/cfn-deployer',
      tags: { 'converge:revision': REV1, 'converge:deployment': deployment.id },
    });
  });

  it('creates a CREATE change set for a stack that does not exist yet', async () => {
    const p = pipeline();
    p.commit(REV1);
    await planStack(p.deps, p.planJob(REV1));
    expect(p.stacks.created[0]?.changeSetType).toBe('CREATE');
  });

  it('uploads a template over 51,200 bytes and passes it as TemplateURL', async () => {
    const p = pipeline();
    const big = `Description: ${'x'.repeat(52_000)}\nResources: {}\n`;
    p.commit(REV1, { 'stacks/network.yaml': big });
    await planStack(p.deps, p.planJob(REV1));
    const [request] = p.stacks.created;
    expect(request?.templateBody).toBeUndefined();
    expect(request?.templateUrl).toMatch(/^https:\/\//);
    expect([...p.artifacts.objects.values()]).toEqual([big]);
  });

  it('asks for approval until expiresAt when the trusted rule needs a person', async () => {
    const p = pipeline();
    p.commit(REV1);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.expiresAt).toBe(new Date(p.clock.now() + 3_600_000).toISOString());
    expect(deployment.changeSet?.summary?.modify).toBe(1);
    expect(p.notifier.sent.at(-1)?.context.awaitingApproval).toBe(true);
    expect(p.queue.sent).toEqual([]);
  });

  it('auto-approves a safe change set with an approval naming it, and queues its execution', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.APPROVED);
    expect(await p.store.listApprovals(deployment.id)).toEqual([
      expect.objectContaining({ changeSetId: deployment.changeSet?.id, approver: 'policy:auto-approve' }),
    ]);
    expect(p.queue.sent).toEqual([
      {
        job: { type: 'execute', deploymentId: deployment.id, stackKey: KEY },
        group: KEY,
        dedupeId: expect.any(String),
      },
    ]);
  });

  it('writes the auto-approval and the APPROVED status in one transaction with one audit record', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    const writes: string[] = [];
    const store = overriding(p.store, {
      transition: (...args: Parameters<MemoryStore['transition']>) => {
        writes.push(`transition ${args[1]}→${args[2].status}`);
        return p.store.transition(...args);
      },
      recordApproval: (...args: Parameters<MemoryStore['recordApproval']>) => {
        writes.push(`recordApproval ${args[1] ? `${args[1].from}→${args[1].next.status}` : 'alone'}`);
        return p.store.recordApproval(...args);
      },
    });
    const deployment = await planStack({ ...p.deps, store }, p.planJob(REV1));
    // Status changes only (the notification's message reference is written after, APPROVED→APPROVED).
    const statusChanges = writes.filter((write) => !write.endsWith('APPROVED→APPROVED'));
    expect(statusChanges).toEqual(['recordApproval PLANNING→APPROVED']);
    expect(await p.store.getDeployment(deployment.id)).toMatchObject({ status: DeploymentStatus.APPROVED });
    expect(await p.store.listApprovals(deployment.id)).toHaveLength(1);
    const trail = await p.store.listAudit(`deployment#${deployment.id}`);
    expect(trail.map((record) => record.action)).toEqual(['planning', 'auto-approved', 'notified']);
  });

  it('leaves neither the status nor the approval when another writer moved the deployment first', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    // A newer plan supersedes this deployment just before the auto-approval is written.
    const store = overriding(p.store, {
      recordApproval: async (...args: Parameters<MemoryStore['recordApproval']>) => {
        const [approval] = args;
        await p.store.transition(
          approval.deploymentId,
          DeploymentStatus.PLANNING,
          { status: DeploymentStatus.SUPERSEDED, updatedAt: approval.at },
          {
            subject: `deployment#${approval.deploymentId}`,
            action: 'superseded',
            actor: 'system:plan',
            at: approval.at,
          },
        );
        return p.store.recordApproval(...args);
      },
    });
    const deployment = await planStack({ ...p.deps, store }, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(await p.store.listApprovals(deployment.id)).toEqual([]);
    expect(p.queue.jobs('execute')).toEqual([]);
  });

  it('leaves the deployment PLANNING, without an approval, when the store fails the write', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    const store = overriding(p.store, {
      recordApproval: async () => {
        throw new Error('DynamoDB is unavailable');
      },
    });
    await expect(planStack({ ...p.deps, store }, p.planJob(REV1))).rejects.toThrow('DynamoDB is unavailable');
    const [stored] = await p.store.listDeployments(KEY);
    expect(stored?.status).toBe(DeploymentStatus.PLANNING);
    expect(await p.store.listApprovals(stored!.id)).toEqual([]);
    expect(p.queue.jobs('execute')).toEqual([]);
  });

  it('does not auto-approve a removal under the safe rule', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1);
    p.stacks.script(STACK, REMOVAL);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  it('does not auto-approve under the safe rule when the template runs a transform, and says why', async () => {
    const p = pipeline();
    await p.trust('{ required: 1, autoApprove: safe }');
    p.commit(REV1, {
      'stacks/network.yaml':
        'Transform: AWS::Serverless-2016-10-31\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n',
    });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.changeSet?.summary?.transforms).toEqual(['AWS::Serverless-2016-10-31']);
    const trail = await p.store.listAudit(`deployment#${deployment.id}`);
    expect(trail.find((record) => record.action === 'awaiting-approval')?.reason).toContain(
      'the template runs transform AWS::Serverless-2016-10-31',
    );
  });

  it('ends NO_CHANGES and deletes an empty change set', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS).script(STACK, { kind: 'empty' });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.NO_CHANGES);
    expect(p.stacks.deleted).toEqual([deployment.changeSet?.id]);
  });

  it('ends PLAN_FAILED with CloudFormation’s words and a named reason when the change set fails', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.script(STACK, { kind: 'failed', reason: 'Template format error: unsupported structure.' });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(deployment.reason).toEqual({
      code: ReasonCode.TEMPLATE_INVALID,
      message: 'Template format error: unsupported structure.',
    });
  });

  it('ends PLAN_FAILED when CloudFormation refuses to create the change set', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.script(STACK, { kind: 'rejected', message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.code).toBe(ReasonCode.INSUFFICIENT_CAPABILITIES);
    expect(deployment.reason?.message).toContain('CAPABILITY_NAMED_IAM');
  });

  it.each([
    'Stack [app] already exists and cannot be created again with the changeSet [converge-x].',
    'Rate exceeded',
  ])('retries, still PLANNING, when CreateChangeSet fails for a reason that passes: %s', async (message) => {
    const p = pipeline();
    p.commit(REV1);
    const refusal = Object.assign(new Error(message), {
      name: message.startsWith('Rate') ? 'Throttling' : 'ValidationError',
    });
    const real = p.stacks.createChangeSet.bind(p.stacks);
    let calls = 0;
    p.stacks.createChangeSet = async (request) => {
      calls += 1;
      if (calls === 1) throw refusal;
      return real(request);
    };
    await expect(planStack(p.deps, p.planJob(REV1))).rejects.toBeInstanceOf(StackBusyError);
    const [planning] = await p.store.listDeployments(KEY);
    expect(planning?.status).toBe(DeploymentStatus.PLANNING);

    const retried = await planStack(p.deps, p.planJob(REV1));
    expect(retried.id).toBe(planning?.id);
    expect(retried.status).not.toBe(DeploymentStatus.PLAN_FAILED);
  });

  it('waits for a stack that is mid-update: a retryable StackBusyError, still PLANNING, no change set', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'UPDATE_IN_PROGRESS', CONVERGE_TAGS);
    await expect(planStack(p.deps, p.planJob(REV1))).rejects.toBeInstanceOf(StackBusyError);
    const [planning] = await p.store.listDeployments(KEY);
    expect(planning?.status).toBe(DeploymentStatus.PLANNING);
    expect(p.stacks.created).toEqual([]);

    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    const retried = await planStack(p.deps, p.planJob(REV1));
    expect(retried.id).toBe(planning?.id);
    expect(p.stacks.created).toHaveLength(1);
  });

  it('retries when the stack became busy between the look and CreateChangeSet', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'UPDATE_COMPLETE', CONVERGE_TAGS);
    p.stacks.script(STACK, {
      kind: 'rejected',
      message:
        'Stack:arn:aws:cloudformation:eu-west-1:1:stack/x/1 is in UPDATE_IN_PROGRESS state and can not be updated.',
    });
    await expect(planStack(p.deps, p.planJob(REV1))).rejects.toBeInstanceOf(StackBusyError);
    expect((await p.store.listDeployments(KEY))[0]?.status).toBe(DeploymentStatus.PLANNING);
  });

  it('polls the change set with exponential backoff', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.script(STACK, { kind: 'changes', changes: [], pollsUntilReady: 4 });
    await planStack(p.deps, p.planJob(REV1));
    expect(p.clock.sleeps).toEqual([50, 100, 200, 400]);
  });

  it('stops waiting at the bound and ends PLAN_FAILED', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.script(STACK, { kind: 'never-ready' });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.code).toBe(ReasonCode.CHANGE_SET_TIMEOUT);
    expect(p.clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(240_000);
  });

  it('ends PLAN_FAILED when the template is missing at the revision', async () => {
    const p = pipeline();
    p.revisions[REV1] = { 'converge.yaml': convergeYaml() };
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.code).toBe(ReasonCode.TEMPLATE_NOT_FOUND);
    expect(p.stacks.created).toEqual([]);
  });

  it('names an invalid converge.yaml ConfigurationInvalid, even when its text reads like a missing file', async () => {
    const p = pipeline();
    p.commit(REV1, {
      'converge.yaml': `${convergeYaml()}    "file not found in repository at ${REV1}": true\n`,
    });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.message).toContain('not found in repository at');
    expect(deployment.reason?.code).toBe(ReasonCode.CONFIGURATION_INVALID);
  });

  it('ends PLAN_FAILED when the stack is not in converge.yaml at the revision', async () => {
    const p = pipeline();
    p.commit(REV1);
    const deployment = await planStack(
      p.deps,
      p.planJob(REV1, { stackName: 'gone', stackKey: 'default/eu-west-1/gone' }),
    );
    expect(deployment.reason?.code).toBe(ReasonCode.STACK_NOT_CONFIGURED);
  });

  it('keeps the control-plane rule for a first deployment whose converge.yaml auto-approves everything', async () => {
    const p = pipeline();
    p.commit(REV1, { 'converge.yaml': convergeYaml('{ required: 0, autoApprove: always }') });
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.approval?.autoApprove).toBe('never');
  });

  it('takes the rule from the last applied revision, not from the commit that edits it', async () => {
    const p = pipeline();
    p.commit(REV1, { 'converge.yaml': convergeYaml('{ required: 2, autoApprove: never }') });
    p.commit(REV2, { 'converge.yaml': convergeYaml('{ required: 0, autoApprove: always }') });
    await p.store.recordApplied(KEY, REV1, deploymentId(p.clock.now() - 60_000, 'applied'), p.clock.iso());
    const deployment = await planStack(p.deps, p.planJob(REV2));
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(deployment.approval?.required).toBe(2);
  });

  it('supersedes an older pending deployment of the stack and deletes its change set', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.commit(REV2);
    const older = await planStack(p.deps, p.planJob(REV1));
    p.clock.advance(1_000);
    await planStack(p.deps, p.planJob(REV2));
    expect((await p.store.getDeployment(older.id))?.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(p.stacks.deleted).toContain(older.changeSet?.id);
  });

  it('refuses to plan an older revision after a newer one: SUPERSEDED, no change set', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.commit(REV2);
    p.source.history({ [REV1]: [], [REV2]: [REV1] });
    const olderJob = p.planJob(REV1);
    p.clock.advance(1_000);
    await planStack(p.deps, p.planJob(REV2));
    const older = await planStack(p.deps, olderJob);
    expect(older.status).toBe(DeploymentStatus.SUPERSEDED);
    expect(older.reason?.code).toBe(ReasonCode.STALE_REVISION);
    expect(p.stacks.created).toHaveLength(1);
  });

  it('returns the same deployment and creates no second change set when the job is retried', async () => {
    const p = pipeline();
    p.commit(REV1);
    const job = p.planJob(REV1);
    const first = await planStack(p.deps, job);
    const again = await planStack(p.deps, job);
    expect(again).toEqual(first);
    expect(p.stacks.created).toHaveLength(1);
  });

  it('never queues a preview for execution and reports it on the pull request', async () => {
    const p = pipeline();
    p.commit(REV1);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    expect(preview.status).toBe(DeploymentStatus.PLANNING);
    expect(preview.changeSet?.name).toMatch(/^converge-pr7-/);
    expect(p.queue.sent).toEqual([]);
    expect(p.notifier.sent.at(-1)?.context.event).toBe('preview ready');
  });
});

describe('planStack of a stack whose first creation failed', () => {
  it('deletes a ROLLBACK_COMPLETE stack and creates a CREATE change set for it', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'ROLLBACK_COMPLETE', CONVERGE_TAGS);
    const stackId = p.stacks.stackId(STACK);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(p.stacks.deletedStacks).toEqual([stackId]);
    expect(p.stacks.created.map((request) => request.changeSetType)).toEqual(['CREATE']);
    expect(deployment.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
  });

  it('records in the audit trail that it deleted the stack and why', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'ROLLBACK_COMPLETE', CONVERGE_TAGS);
    const stackId = p.stacks.stackId(STACK);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    const trail = await p.store.listAudit(`deployment#${deployment.id}`);
    const deleted = trail.find((record) => record.action === 'stack-deleted');
    expect(deleted).toMatchObject({
      actor: 'system:plan',
      data: { stackId, status: 'ROLLBACK_COMPLETE' },
    });
    expect(deleted?.reason).toContain('first creation failed and rolled back');
  });

  it('never deletes the stack for a preview, and says the next deployment will', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'ROLLBACK_COMPLETE', CONVERGE_TAGS);
    const preview = await planStack(p.deps, p.planJob(REV1, { kind: 'preview', pullRequest: 7 }));
    expect(p.stacks.deletedStacks).toEqual([]);
    expect(preview.status).toBe(DeploymentStatus.PLAN_FAILED);
    expect(preview.reason?.message).toContain('the next deployment of the stack deletes it');
  });

  it.each([
    ['UPDATE_ROLLBACK_FAILED', 'ContinueUpdateRollback'],
    ['ROLLBACK_FAILED', 'delete the stack'],
    ['DELETE_FAILED', 'Delete it again'],
  ] as const)(
    'ends PLAN_FAILED for a %s stack, saying what to do, and deletes nothing',
    async (status, advice) => {
      const p = pipeline();
      p.commit(REV1);
      p.stacks.existing(STACK, status, CONVERGE_TAGS);
      const deployment = await planStack(p.deps, p.planJob(REV1));
      expect(deployment.status).toBe(DeploymentStatus.PLAN_FAILED);
      expect(deployment.reason?.code).toBe(ReasonCode.STACK_NOT_UPDATABLE);
      expect(deployment.reason?.message).toContain(`is ${status}`);
      expect(deployment.reason?.message).toContain(advice);
      expect(p.stacks.deletedStacks).toEqual([]);
      expect(p.stacks.created).toEqual([]);
    },
  );

  it('ends PLAN_FAILED without a change set when deleting the rolled-back stack fails', async () => {
    const p = pipeline();
    p.commit(REV1);
    p.stacks.existing(STACK, 'ROLLBACK_COMPLETE', CONVERGE_TAGS).failDelete(STACK);
    const deployment = await planStack(p.deps, p.planJob(REV1));
    expect(deployment.reason?.code).toBe(ReasonCode.STACK_NOT_UPDATABLE);
    expect(deployment.reason?.message).toContain('is DELETE_FAILED');
    expect(p.stacks.created).toEqual([]);
  });
});
