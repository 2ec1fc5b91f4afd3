import { describe, expect, it } from 'vitest';
import { type Deployment, stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { sortableId } from '../../../shared/domain/ids.ts';
import type { Job } from '../../../shared/ports/queue.ts';
import { decideApproval } from '../../../shared/use-cases/approval/decide-approval.ts';
import { closeExecution } from '../../../shared/use-cases/execution/close-execution.ts';
import { executeDeployment } from '../../../shared/use-cases/execution/execute-deployment.ts';
import { reconcileDeployments } from '../../../shared/use-cases/execution/reconcile-deployments.ts';
import { planStack } from '../../../shared/use-cases/planning/plan-stack.ts';
import { releaseDependents } from '../../../shared/use-cases/planning/release-dependents.ts';
import { pipeline, REPOSITORY, REV0, REV1, REV2 } from './pipeline-fixture.ts';

const NETWORK = 'network-prod';
const APP = 'app-prod';
const NETWORK_KEY = stackKey({ stackName: NETWORK, region: 'eu-west-1' });
const APP_KEY = stackKey({ stackName: APP, region: 'eu-west-1' });

const YAML = [
  'version: 1',
  'defaults: { region: eu-west-1 }',
  'stacks:',
  `  - name: ${APP}`,
  '    template: stacks/app.yaml',
  `    parameters: { Replicas: "3", VpcId: { fromStack: ${NETWORK}, output: VpcId } }`,
  `  - name: ${NETWORK}`,
  '    template: stacks/network.yaml',
  '',
].join('\n');

/** A pipeline whose revisions carry the network and the app taking its VpcId output. */
function chain() {
  const p = pipeline();
  const commit = (revision: string) =>
    p.commit(revision, {
      'converge.yaml': YAML,
      'stacks/app.yaml': 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n',
    });
  const plan = (stackName: string, revision: string, extra: Partial<Extract<Job, { type: 'plan' }>> = {}) =>
    planStack(p.deps, {
      ...p.planJob(revision),
      stackName,
      stackKey: stackName === APP ? APP_KEY : NETWORK_KEY,
      ...extra,
    });
  /** Approves, executes and closes the deployment as CloudFormation ended it. */
  const deploy = async (deployment: Deployment, outputs: Record<string, string>) => {
    await decideApproval(p.deps, {
      deploymentId: deployment.id,
      approver: 'slack:U0BOB',
      decision: 'approve',
      via: 'slack',
    });
    await executeDeployment(p.deps, { deploymentId: deployment.id });
    const stackStatus = p.stacks.finish(deployment.stack.stackName, 'success');
    p.stacks.withOutputs(deployment.stack.stackName, outputs);
    const executing = (await p.store.getDeployment(deployment.id))!;
    return closeExecution(p.deps, executing, { succeeded: true, stackStatus }, 'system:test');
  };
  /** Runs the dependency-closed jobs queued so far, then the plan jobs they queued; returns those plan jobs. */
  const release = async () => {
    const closed = p.queue.drain().filter((j) => j.job.type === 'dependency-closed');
    for (const { job } of closed)
      await releaseDependents(p.deps, job as Extract<Job, { type: 'dependency-closed' }>);
    const plans = p.queue.drain().filter((j) => j.job.type === 'plan');
    for (const { job } of plans) await planStack(p.deps, job as Extract<Job, { type: 'plan' }>);
    return plans.map((j) => j.job as Extract<Job, { type: 'plan' }>);
  };
  const appChangeSets = () => p.stacks.created.filter((r) => r.stack.stackName === APP);
  return { ...p, commit, plan, deploy, release, appChangeSets };
}

/** The network applied REV0 before the tests' pushes. */
async function appliedBefore(c: ReturnType<typeof chain>) {
  const at = c.clock.now() - 60_000;
  await c.store.recordApplied(
    NETWORK_KEY,
    REV0,
    sortableId(at, new Uint8Array(10)),
    new Date(at).toISOString(),
  );
}

describe('dependencies gate', () => {
  it('plans a stack only after its dependency at the same revision succeeded, with the output it takes', async () => {
    const c = chain();
    c.commit(REV1);
    const network = await c.plan(NETWORK, REV1);
    const app = await c.plan(APP, REV1);
    expect(network.status).toBe('AWAITING_APPROVAL');
    expect(app).toMatchObject({ status: 'AWAITING_DEPENDENCIES', waitingFor: [NETWORK] });
    expect(c.appChangeSets()).toEqual([]);

    // Planning the app again (a redelivered job) while the network waits changes nothing.
    expect((await c.plan(APP, REV1)).status).toBe('AWAITING_DEPENDENCIES');

    expect((await c.deploy(network, { VpcId: 'vpc-0abc' }))?.status).toBe('SUCCEEDED');
    const resumed = await c.release();
    expect(resumed.map((j) => j.deploymentId)).toEqual([app.id]);
    expect((await c.store.getDeployment(app.id))?.status).toBe('AWAITING_APPROVAL');
    expect(c.appChangeSets().map((r) => r.parameters)).toEqual([{ Replicas: '3', VpcId: 'vpc-0abc' }]);
  });

  it('plans the dependent once when the release and its plan job are both delivered twice', async () => {
    const c = chain();
    c.commit(REV1);
    const network = await c.plan(NETWORK, REV1);
    const app = await c.plan(APP, REV1);
    await c.deploy(network, { VpcId: 'vpc-0abc' });

    // The queue redelivers the dependency-closed job, and each release's plan job twice.
    const closed = c.queue.drain().filter((j) => j.job.type === 'dependency-closed');
    expect(closed).toHaveLength(1);
    const job = closed[0]!.job as Extract<Job, { type: 'dependency-closed' }>;
    await Promise.all([releaseDependents(c.deps, job), releaseDependents(c.deps, job)]);
    const plans = c.queue.drain().filter((j) => j.job.type === 'plan');
    for (const { job: plan } of [...plans, ...plans])
      await planStack(c.deps, plan as Extract<Job, { type: 'plan' }>);

    expect(c.appChangeSets()).toHaveLength(1);
    expect((await c.store.getDeployment(app.id))?.status).toBe('AWAITING_APPROVAL');
    const appDeployments = await c.store.listDeployments(APP_KEY);
    expect(appDeployments.map((d) => d.id)).toEqual([app.id]);
  });

  it('stops the dependent with the reason when the dependency is rejected', async () => {
    const c = chain();
    c.commit(REV1);
    const network = await c.plan(NETWORK, REV1);
    const app = await c.plan(APP, REV1);
    await decideApproval(c.deps, {
      deploymentId: network.id,
      approver: 'slack:U0BOB',
      decision: 'reject',
      via: 'slack',
    });
    await c.release();
    const stopped = await c.store.getDeployment(app.id);
    expect(stopped?.status).toBe('PLAN_FAILED');
    expect(stopped?.reason?.code).toBe('DependencyFailed');
    expect(stopped?.reason?.message).toContain(`${NETWORK} did not deploy`);
    expect(stopped?.reason?.message).toContain('REJECTED');
    expect(c.appChangeSets()).toEqual([]);
  });

  it("does not count the dependency's older applied revision while its deployment at this revision is pending", async () => {
    const c = chain();
    c.commit(REV0);
    c.commit(REV1);
    await appliedBefore(c);
    await c.plan(NETWORK, REV1);
    expect((await c.plan(APP, REV1)).status).toBe('AWAITING_DEPENDENCIES');
  });

  it("does not count the dependency's success at another revision", async () => {
    const c = chain();
    c.commit(REV1);
    c.commit(REV2);
    const network1 = await c.plan(NETWORK, REV1);
    await c.deploy(network1, { VpcId: 'vpc-1' });
    await c.plan(NETWORK, REV2);
    expect((await c.plan(APP, REV2)).status).toBe('AWAITING_DEPENDENCIES');
  });

  it('plans at once with the live output when the dependency is not in the push but was deployed before', async () => {
    const c = chain();
    c.commit(REV1);
    c.stacks.existing(NETWORK).withOutputs(NETWORK, { VpcId: 'vpc-live' });
    await appliedBefore(c);
    const app = await c.plan(APP, REV1);
    expect(app.status).toBe('AWAITING_APPROVAL');
    expect(c.appChangeSets()[0]?.parameters.VpcId).toBe('vpc-live');
  });

  it('stops with OutputNotFound, naming the outputs there are, when the dependency lacks the output', async () => {
    const c = chain();
    c.commit(REV1);
    c.stacks.existing(NETWORK).withOutputs(NETWORK, { SubnetId: 'subnet-1' });
    await appliedBefore(c);
    const app = await c.plan(APP, REV1);
    expect(app.status).toBe('PLAN_FAILED');
    expect(app.reason?.code).toBe('OutputNotFound');
    expect(app.reason?.message).toContain('it has SubnetId');
  });

  it('stops a dependent whose dependency was never deployed and is not in the push, once the wait is over', async () => {
    const c = chain();
    c.commit(REV1);
    const app = await c.plan(APP, REV1);
    expect(app.status).toBe('AWAITING_DEPENDENCIES');
    c.clock.advance(11 * 60_000);
    await reconcileDeployments({ ...c.deps, settings: { ...c.deps.settings } });
    const plans = c.queue.drain().filter((j) => j.job.type === 'plan');
    expect(plans.map((j) => (j.job as { deploymentId?: string }).deploymentId)).toEqual([app.id]);
    await planStack(c.deps, plans[0]!.job as Extract<Job, { type: 'plan' }>);
    const stopped = await c.store.getDeployment(app.id);
    expect(stopped?.reason?.code).toBe('DependencyFailed');
    expect(stopped?.reason?.message).toContain('was never deployed');
  });

  it('plans a dependent not in the push again when the output it takes changed', async () => {
    const c = chain();
    c.commit(REV1);
    c.commit(REV2);
    const network1 = await c.plan(NETWORK, REV1);
    const app1 = await c.plan(APP, REV1);
    await c.deploy(network1, { VpcId: 'vpc-1' });
    await c.release();
    await c.deploy((await c.store.getDeployment(app1.id))!, {});
    await c.release();
    expect(c.appChangeSets()).toHaveLength(1);

    // Only the network changes at REV2, and its output with it.
    const network2 = await c.plan(NETWORK, REV2);
    await c.deploy(network2, { VpcId: 'vpc-2' });
    const replanned = await c.release();
    expect(replanned).toMatchObject([{ stackName: APP, revision: REV2, repository: REPOSITORY }]);
    expect(c.appChangeSets().at(-1)?.parameters.VpcId).toBe('vpc-2');

    // Once the app has it, the same output again plans nothing.
    const app2 = (await c.store.listDeployments(APP_KEY)).find((d) => d.revision === REV2)!;
    await c.deploy(app2, {});
    await c.release();
    const rev3 = 'd4'.repeat(20);
    c.commit(rev3);
    await c.deploy(await c.plan(NETWORK, rev3), { VpcId: 'vpc-2' });
    expect(await c.release()).toEqual([]);
  });
});
