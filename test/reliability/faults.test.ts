import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultCounters } from '../../local/cloud/fault-injector.ts';
import { type E2e, startE2e } from '../e2e/support/e2e-harness.ts';
import { type ReliabilityWorld, startReliabilityWorld } from './support/reliability-world.ts';
import { report } from './support/report-row.ts';
import { phaseSummary, runScenario, type ScenarioOutcome } from './support/scenario.ts';
import { reliabilitySize } from './support/size.ts';
import { latencySummary } from './support/traffic.ts';

const size = reliabilitySize();
const STACK_STATUS = 'CloudFormation Stack Status Change';
/** Receives before a message is dead-lettered: retries are bounded by it. */
const MAX_RECEIVES = 8;

const total = (counts: Readonly<Record<string, number>>, service?: string) =>
  Object.entries(counts)
    .filter(([key]) => service === undefined || key.startsWith(`${service}.`))
    .reduce((sum, [, n]) => sum + n, 0);

describe(`under faults (${size.name}): the load traffic with throttling, 5xx, lost answers and unreliable events`, () => {
  let world: ReliabilityWorld;
  let outcome: ScenarioOutcome;
  let counters: FaultCounters;

  beforeAll(async () => {
    world = await startReliabilityWorld('faults', size, { maxReceiveCount: MAX_RECEIVES });
    const cloud = world.e2e.host.cloud!;
    cloud.faults.set({
      seed: 7,
      rules: [
        // Throttling on a fifth of the calls, 5xx on a twentieth, to CloudFormation and DynamoDB.
        { service: 'cloudformation', throttle: { probability: 0.2 }, error: { probability: 0.05 } },
        { service: 'dynamodb', throttle: { probability: 0.2 }, error: { probability: 0.05 } },
        // An answer lost after the write ran: the handler dies between two writes, its message comes back.
        { service: 'dynamodb', drop: { probability: 0.01 } },
        { service: 'cloudformation', operation: 'ExecuteChangeSet', drop: { probability: 0.2 } },
      ],
      events: [
        // Stack events dropped, duplicated, and the first ones delayed so later ones overtake them.
        { detailType: STACK_STATUS, drop: { probability: 0.1 }, duplicate: { probability: 0.2 } },
        { detailType: STACK_STATUS, status: 'UPDATE_IN_PROGRESS', delayMs: 400 },
      ],
    });
    let reconciling: Promise<unknown> = Promise.resolve();
    let last = 0;
    outcome = await runScenario(world, 1, size.name === 'full' ? 1_800_000 : 300_000, {
      // The reconcile schedule, as EventBridge Scheduler fires it: it closes what dropped events left open.
      tick: async () => {
        if (Date.now() - last < 2_000) return;
        last = Date.now();
        await reconciling;
        reconciling = world.e2e.host.runSchedule('reconcile').catch(() => undefined);
      },
      beforeMeasuring: async () => {
        counters = cloud.faults.counters();
        cloud.faults.clear();
      },
    });
  }, 2_400_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('injected every kind of fault it claims to', (context) => {
    const events = `events.${STACK_STATUS}`;
    report(context, {
      suite: 'faults',
      check: 'faults injected',
      sent: `${total(counters.requests)} cloud calls`,
      expected: 'each kind > 0',
      observed: `throttled ${total(counters.throttled)}, 5xx ${total(counters.errors)}, answers lost ${total(counters.dropped, 'dynamodb') + total(counters.dropped, 'cloudformation')}, events dropped ${counters.dropped[events] ?? 0}, duplicated ${counters.duplicated[events] ?? 0}`,
    });
    expect(total(counters.throttled, 'dynamodb')).toBeGreaterThan(0);
    expect(total(counters.throttled, 'cloudformation')).toBeGreaterThan(0);
    expect(total(counters.errors)).toBeGreaterThan(0);
    expect(total(counters.dropped, 'dynamodb')).toBeGreaterThan(0);
    expect(counters.dropped[events] ?? 0).toBeGreaterThan(0);
    expect(counters.duplicated[events] ?? 0).toBeGreaterThan(0);
  });

  it('reaches the same end state as without faults: every delivery once, every stack on its newest revision', (context) => {
    report(
      context,
      {
        suite: 'faults',
        check: 'deliveries recorded once',
        sent: `${outcome.send.sent} (${outcome.send.duplicates} duplicates)`,
        expected: outcome.uniqueDeliveries,
        observed: outcome.recordedOnce,
      },
      {
        suite: 'faults',
        check: 'deployments not terminal',
        sent: outcome.deployments,
        expected: 0,
        observed: outcome.openDeployments.length,
      },
      {
        suite: 'faults',
        check: 'stacks not converged',
        sent: outcome.stacks,
        expected: 0,
        observed: outcome.notConverged.length,
      },
      {
        suite: 'faults',
        check: 'webhook latency, throughput',
        sent: outcome.send.sent,
        expected: '(reported)',
        observed: latencySummary(outcome.send),
      },
      {
        suite: 'faults',
        check: 'where the time went',
        sent: `${outcome.deployments} deployments`,
        expected: '(reported)',
        observed: phaseSummary(outcome),
      },
    );
    expect(outcome.neverProcessed).toEqual([]);
    expect(outcome.processedTwice).toEqual([]);
    expect(outcome.recordedOnce).toBe(outcome.uniqueDeliveries);
    expect(outcome.openDeployments).toEqual([]);
    expect(outcome.notConverged).toEqual([]);
  });

  it('still never overlaps, reorders, repeats or runs an unapproved execution', (context) => {
    report(
      context,
      {
        suite: 'faults',
        check: 'overlapping executions',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.overlaps.length,
      },
      {
        suite: 'faults',
        check: 'executions out of Git order',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.outOfOrder.length,
      },
      {
        suite: 'faults',
        check: 'executions without approval',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.unapproved.length,
      },
      {
        suite: 'faults',
        check: 'deployments executed twice',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.executedTwice.length,
      },
      {
        suite: 'faults',
        check: 'ended without their execution’s evidence',
        sent: `${outcome.deployments} deployments`,
        expected: 0,
        observed: outcome.withoutEvidence.length,
      },
      {
        suite: 'faults',
        check: 'terminal statuses left or reached twice',
        sent: `${outcome.deployments} deployments`,
        expected: 0,
        observed: outcome.terminalLeft.length,
      },
    );
    expect(outcome.overlaps).toEqual([]);
    expect(outcome.outOfOrder).toEqual([]);
    expect(outcome.unapproved).toEqual([]);
    expect(outcome.executedTwice).toEqual([]);
    expect(outcome.withoutEvidence).toEqual([]);
    expect(outcome.terminalLeft).toEqual([]);
  });

  it('retries a bounded number of times and dead-letters nothing that can succeed', (context) => {
    const receives = world.hostLog
      .map((line) => /failed \(receive (\d+)\)/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    const most = Math.max(0, ...receives);
    report(
      context,
      {
        suite: 'faults',
        check: 'most receives of one message',
        sent: `${receives.length} retries`,
        expected: `< ${MAX_RECEIVES}`,
        observed: most,
      },
      {
        suite: 'faults',
        check: 'dead letters',
        sent: outcome.send.sent,
        expected: 0,
        observed: outcome.deadLetters,
      },
    );
    expect(most).toBeLessThan(MAX_RECEIVES);
    expect(outcome.deadLetters).toBe(0);
  });
});

describe('poison messages', () => {
  let e2e: E2e;
  beforeAll(async () => {
    // A short visibility timeout: nothing else runs on this host, and each retry comes back quickly.
    e2e = await startE2e(['poison'], { visibilityTimeoutMs: 200, maxReceiveCount: 3 });
  }, 180_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it('land in the dead-letter queue after bounded retries, where the alarm metric counts them', async (context) => {
    const bodies = [
      'not json',
      '{"type":"plan"}',
      '{"type":"execute","deploymentId":"../../etc/passwd"}',
      JSON.stringify({ type: 'nuke' }),
    ];
    for (const [i, body] of bodies.entries())
      e2e.host.queues.plan.send({ body, groupId: `us-east-1/poison-${i}`, dedupeId: `poison-${i}` });
    const dead = await e2e.waitFor(
      async () => e2e.host.queues.plan.deadLetters,
      (letters) => letters.length === bodies.length,
      'the poison messages to be dead-lettered',
      60_000,
    );
    // What the DeadLetterMessages alarm reads (ApproximateNumberOfMessagesVisible of the DLQ, threshold 1).
    report(context, {
      suite: 'faults',
      check: 'poison messages dead-lettered (alarm metric)',
      sent: bodies.length,
      expected: bodies.length,
      observed: dead.length,
    });
    expect(dead.map((m) => m.body).sort()).toEqual([...bodies].sort());
    expect(dead.every((m) => m.receiveCount === 3)).toBe(true);
    expect(e2e.host.queues.plan.depth).toBe(0);
  });
});
