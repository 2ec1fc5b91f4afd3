import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReliabilityWorld, startReliabilityWorld } from './support/reliability-world.ts';
import { report } from './support/report-row.ts';
import { phaseSummary, runScenario, type ScenarioOutcome } from './support/scenario.ts';
import { reliabilitySize } from './support/size.ts';
import { latencySummary } from './support/traffic.ts';

const size = reliabilitySize();

describe(`under load (${size.name}): ${size.deliveries} deliveries from ${size.senders} senders`, () => {
  let world: ReliabilityWorld;
  let outcome: ScenarioOutcome;

  beforeAll(async () => {
    world = await startReliabilityWorld('load', size);
    outcome = await runScenario(world, 1, size.name === 'full' ? 1_200_000 : 240_000);
  }, 1_800_000);
  afterAll(async () => {
    await world?.stop();
  });

  it('records every accepted delivery once and answers every resend as a duplicate', (context) => {
    report(context, {
      suite: 'load',
      check: 'deliveries recorded once',
      sent: `${outcome.send.sent} (${outcome.send.duplicates} duplicates)`,
      expected: outcome.uniqueDeliveries,
      observed: outcome.recordedOnce,
    });
    expect(outcome.send.sent).toBe(size.deliveries);
    expect(outcome.neverProcessed).toEqual([]);
    expect(outcome.processedTwice).toEqual([]);
    expect(outcome.recordedOnce).toBe(outcome.uniqueDeliveries);
  });

  it('never runs two executions of a stack at once, as the stacks’ own events tell', (context) => {
    report(context, {
      suite: 'load',
      check: 'overlapping executions',
      sent: `${outcome.executions} executions on ${outcome.stacks} stacks`,
      expected: 0,
      observed: outcome.overlaps.length,
    });
    expect(outcome.executions).toBeGreaterThanOrEqual(outcome.stacks);
    expect(outcome.overlaps).toEqual([]);
  });

  it('executes each stack’s revisions in Git order, each once and only approved', (context) => {
    report(
      context,
      {
        suite: 'load',
        check: 'executions out of Git order',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.outOfOrder.length,
      },
      {
        suite: 'load',
        check: 'executions without approval',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.unapproved.length,
      },
      {
        suite: 'load',
        check: 'deployments executed twice',
        sent: outcome.executions,
        expected: 0,
        observed: outcome.executedTwice.length,
      },
      {
        suite: 'load',
        check: 'ended without their execution’s evidence',
        sent: `${outcome.deployments} deployments`,
        expected: 0,
        observed: outcome.withoutEvidence.length,
      },
      {
        suite: 'load',
        check: 'terminal statuses left or reached twice',
        sent: `${outcome.deployments} deployments`,
        expected: 0,
        observed: outcome.terminalLeft.length,
      },
    );
    expect(outcome.outOfOrder).toEqual([]);
    expect(outcome.unapproved).toEqual([]);
    expect(outcome.executedTwice).toEqual([]);
    expect(outcome.withoutEvidence).toEqual([]);
    expect(outcome.terminalLeft).toEqual([]);
  });

  it('ends with every deployment terminal and every stack on its newest revision', (context) => {
    const votes = outcome.votes;
    report(
      context,
      {
        suite: 'load',
        check: 'deployments not terminal',
        sent: outcome.deployments,
        expected: 0,
        observed: outcome.openDeployments.length,
      },
      {
        suite: 'load',
        check: 'stacks not converged',
        sent: `votes: ${votes.slack} Slack, ${votes.comment} comment, ${votes.cli} CLI`,
        expected: 0,
        observed: outcome.notConverged.length,
      },
      {
        suite: 'load',
        check: 'dead letters',
        sent: outcome.send.sent,
        expected: 0,
        observed: outcome.deadLetters,
      },
      {
        suite: 'load',
        check: 'webhook latency, throughput',
        sent: outcome.send.sent,
        expected: '(reported)',
        observed: latencySummary(outcome.send),
      },
      {
        suite: 'load',
        check: 'where the time went',
        sent: `${outcome.deployments} deployments`,
        expected: '(reported)',
        observed: phaseSummary(outcome),
      },
    );
    expect(outcome.openDeployments).toEqual([]);
    expect(outcome.notConverged).toEqual([]);
    // Approvals raced in on every channel.
    expect([votes.slack, votes.comment, votes.cli].every((n) => n > 0)).toBe(true);
    expect(outcome.deadLetters).toBe(0);
  });
});
