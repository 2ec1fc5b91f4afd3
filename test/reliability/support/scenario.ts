import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { stackKey } from '../../../shared/domain/deployment/deployment.ts';
import { REGION } from '../../e2e/support/e2e-harness.ts';
import { overlappingExecutions, stackExecutions } from '../../e2e/support/stack-executions.ts';
import { approvalProblem, evidenceProblem, terminalProblem } from './invariant-checks.ts';
import {
  APPROVERS,
  allDeployments,
  commitHistory,
  expectedHeads,
  type ReliabilityWorld,
  recordedDeliveries,
  seeded,
  settleEverything,
} from './reliability-world.ts';
import {
  approver,
  mergeResults,
  planDeliveries,
  type SendResult,
  sendAll,
  type VoteCounts,
} from './traffic.ts';

/** The identities the reliability policy lets approve. */
const ALLOWED: ReadonlySet<string> = new Set([
  `slack:${APPROVERS.slack}`,
  `github:${APPROVERS.github}`,
  APPROVERS.cli,
]);

/** What one run of the traffic left behind, reduced to the numbers the invariants are about. */
export interface ScenarioOutcome {
  readonly send: SendResult;
  readonly votes: VoteCounts;
  /** Unique deliveries sent, and how many of them the table holds exactly once. */
  readonly uniqueDeliveries: number;
  readonly recordedOnce: number;
  /** Unique deliveries answered as new more than once, or never. */
  readonly processedTwice: readonly string[];
  readonly neverProcessed: readonly string[];
  /** Resends answered anything but `duplicate` (or a 5xx the sender retried). */
  readonly duplicatesAnsweredNew: number;
  readonly deployments: number;
  readonly openDeployments: readonly string[];
  readonly executions: number;
  readonly overlaps: readonly string[];
  /** Executions of a revision older than one executed before it on the same stack. */
  readonly outOfOrder: readonly string[];
  /**
   * Executions without enough votes of distinct allowed people naming their deployment and change
   * set, or with a vote that is not (another identity, another change set, a person twice).
   */
  readonly unapproved: readonly string[];
  /** Deployments SUCCEEDED without their own execution completing, or FAILED when it completed. */
  readonly withoutEvidence: readonly string[];
  /** Deployments whose audit trail shows no single terminal move last (a terminal status left). */
  readonly terminalLeft: readonly string[];
  /** Executions of the same deployment twice (two tokens for one id cannot happen; a token twice can). */
  readonly executedTwice: readonly string[];
  /** Stacks whose applied revision is not the newest commit that changed them. */
  readonly notConverged: readonly string[];
  readonly stacks: number;
  readonly deadLetters: number;
  /** Seconds spent in each phase (commits, sending, settling, measuring), for the table. */
  readonly phases: Readonly<Record<string, number>>;
  /** Queue messages that failed and were received again (the host's log). */
  readonly retries: number;
}

/** What a run adds to the traffic: a periodic tick (the reconcile schedule), a step before measuring. */
export interface ScenarioOptions {
  readonly tick?: () => Promise<unknown>;
  readonly beforeMeasuring?: () => Promise<unknown>;
}

/** Sends the whole traffic of `world.size`, approves as people would, waits for the end, and measures. */
export async function runScenario(
  world: ReliabilityWorld,
  seed: number,
  settleMs: number,
  options: ScenarioOptions = {},
): Promise<ScenarioOutcome> {
  const random = seeded(seed);
  const phases: Record<string, number> = { setup: Math.round((Date.now() - world.startedAt) / 100) / 10 };
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases[name] = Math.round((Date.now() - phaseStart) / 100) / 10;
    phaseStart = Date.now();
  };
  const commits = await commitHistory(world, random);
  phase('commits');
  const { main, closings } = planDeliveries(world, commits, random);
  const people = approver(world, random, world.size.name === 'full' ? 20 : 4);

  // Senders and approvers at once: approvals race the pushes that supersede what they approve.
  let sending = true;
  // A read or vote that fails (the faults suite throttles the test's own DynamoDB reads too) is
  // tried again next round, as a person would click again.
  const round = async (deployments: () => Promise<readonly Deployment[]>) => {
    try {
      people.approve((await deployments()).filter((d) => d.status === 'AWAITING_APPROVAL'));
      await options.tick?.();
    } catch {
      // next round
    }
  };
  const approving = (async () => {
    while (sending) {
      await round(() => allDeployments(world));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  let send: SendResult;
  try {
    send = await sendAll(world, main, world.size.senders);
  } finally {
    sending = false;
    await approving;
  }
  send = mergeResults(send, await sendAll(world, closings, world.size.senders));
  phase('sending');
  const deployments = await settleEverything(world, (waiting) => round(async () => waiting), settleMs);
  await people.drain();
  phase('settling');
  await options.beforeMeasuring?.();

  // Deliveries: every unique one processed once, every resend answered duplicate.
  const uniqueIds = new Set([...main, ...closings].map((d) => d.id));
  const recorded = await recordedDeliveries(world);
  const counts = new Map<string, number>();
  for (const id of recorded) counts.set(id, (counts.get(id) ?? 0) + 1);
  const processedTwice: string[] = [];
  const neverProcessed: string[] = [];
  let duplicatesAnsweredNew = 0;
  for (const id of uniqueIds) {
    const answers = (send.answers.get(id) ?? []).filter((a) => a.status < 500);
    const fresh = answers.filter((a) => a.outcome !== 'duplicate');
    if (fresh.length > 1) processedTwice.push(id);
    if (fresh.length === 0) neverProcessed.push(id);
    duplicatesAnsweredNew += Math.max(0, fresh.length - 1);
  }
  const recordedOnce = [...uniqueIds].filter((id) => counts.get(id) === 1).length;

  // Executions, from each stack's own events: never two at once, always forward in Git history.
  const byId = new Map(deployments.map((d) => [d.id, d]));
  const order = new Map(commits.map((c) => [c.sha, c.index]));
  const overlaps: string[] = [];
  const outOfOrder: string[] = [];
  const unapproved: string[] = [];
  const executedTwice: string[] = [];
  const withoutEvidence: string[] = [];
  let executions = 0;
  for (const name of world.stacks.keys()) {
    // A stack that does not exist has no executions ("stacks not converged" names it).
    const list = await stackExecutions(world.e2e.host.cloudEndpoint, REGION, name).catch((error: Error) => {
      if (/does not exist/.test(error.message)) return [];
      throw error;
    });
    executions += list.length;
    for (const [a, b] of overlappingExecutions(list)) overlaps.push(`${name}: ${a.token} and ${b.token}`);
    const ownExecution = new Map(list.map((e) => [e.token, e]));
    for (const deployment of deployments.filter((d) => d.stack.stackName === name)) {
      const problem = evidenceProblem(deployment, ownExecution.get(deployment.id));
      if (problem) withoutEvidence.push(`${name}: ${deployment.id}: ${problem}`);
    }
    let newest = -1;
    for (const execution of list) {
      const deployment = byId.get(execution.token);
      const index = deployment ? (order.get(deployment.revision) ?? -1) : -1;
      if (index < newest) outOfOrder.push(`${name}: ${deployment?.revision.slice(0, 8)} after a newer one`);
      newest = Math.max(newest, index);
      const problem = deployment
        ? approvalProblem(deployment, await world.e2e.store.listApprovals(deployment.id), ALLOWED)
        : 'no deployment of this id';
      if (problem) unapproved.push(`${name}: ${execution.token}: ${problem}`);
      const starts = execution.statuses.filter(
        (s) => s.endsWith('_IN_PROGRESS') && !s.includes('CLEANUP'),
      ).length;
      if (starts > 1) executedTwice.push(`${name}: ${execution.token}`);
    }
  }

  // Terminal statuses are never left; a redelivered event moved nothing (the audit trail).
  const terminalLeft: string[] = [];
  for (const deployment of deployments) {
    const problem = terminalProblem(await world.e2e.store.listAudit(`deployment#${deployment.id}`));
    if (problem) terminalLeft.push(`${deployment.stack.stackName}: ${deployment.id}: ${problem}`);
  }

  // Convergence: each stack applied the newest commit that changed it.
  const notConverged: string[] = [];
  for (const [name, head] of expectedHeads(commits)) {
    const state = await world.e2e.store.getStackState(stackKey({ stackName: name, region: REGION }));
    if (state?.lastAppliedRevision !== head.sha) {
      // What became of the deployments of the expected revision, to say why.
      const atHead = deployments
        .filter((d) => d.stack.stackName === name && d.revision === head.sha)
        .map((d) => `${d.kind} ${d.status}${d.reason ? ` ${d.reason.code}: ${d.reason.message}` : ''}`);
      notConverged.push(
        `${name}: applied ${state?.lastAppliedRevision?.slice(0, 8)}, expected ${head.sha.slice(0, 8)} (${atHead.join('; ') || 'no deployment'})`,
      );
    }
  }

  const queues = world.e2e.host.queues;
  phase('measuring');
  return {
    send,
    votes: people.votes,
    uniqueDeliveries: uniqueIds.size,
    recordedOnce,
    processedTwice,
    neverProcessed,
    duplicatesAnsweredNew,
    deployments: deployments.length,
    openDeployments: deployments
      .filter(
        (d) =>
          !['SUCCEEDED', 'FAILED', 'NO_CHANGES', 'PLAN_FAILED', 'REJECTED', 'EXPIRED', 'SUPERSEDED'].includes(
            d.status,
          ),
      )
      .map((d) => d.id),
    executions,
    overlaps,
    outOfOrder,
    unapproved,
    withoutEvidence,
    terminalLeft,
    executedTwice,
    notConverged,
    stacks: world.stacks.size,
    deadLetters: queues.plan.deadLetters.length + queues.execute.deadLetters.length,
    phases,
    retries: world.hostLog.filter((line) => /failed \(receive \d+\)/.test(line)).length,
  };
}

/** The phases' durations and the retries, for the table: where the run's time went. */
export function phaseSummary(outcome: ScenarioOutcome): string {
  const phases = Object.entries(outcome.phases).map(([name, seconds]) => `${name} ${seconds} s`);
  const slowest = Object.entries(outcome.votes.slowestMs).map(([channel, ms]) => `${channel} ${ms} ms`);
  return `${phases.join(', ')}; ${outcome.retries} retried messages; slowest vote: ${slowest.join(', ')}`;
}
