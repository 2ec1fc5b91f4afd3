import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { runConverge } from '../../e2e/support/converge-binary.ts';
import { pushPayload } from '../../e2e/support/e2e-harness.ts';
import { recordedExample } from '../../support/github-delivery.ts';
import {
  APPROVERS,
  type Commit,
  deliveryId,
  percentile,
  type ReliabilityWorld,
} from './reliability-world.ts';

/** One webhook delivery: an event, its payload and its id (a duplicate reuses both). */
export interface Delivery {
  readonly id: string;
  readonly event: string;
  readonly payload: unknown;
  readonly kind: 'push' | 'pull_request' | 'noise';
  readonly duplicate: boolean;
}

/** What the senders saw. */
export interface SendResult {
  readonly sent: number;
  /** Answers per delivery id, in the order they came. */
  readonly answers: ReadonlyMap<string, readonly { status: number; outcome?: string }[]>;
  readonly latenciesMs: readonly number[];
  readonly elapsedMs: number;
  readonly kinds: Readonly<Record<Delivery['kind'], number>>;
  readonly duplicates: number;
}

const PR_BASE = 100;

/** A pull request payload (recorded) for `repository`, head and base on the given commits. */
function pullRequestPayload(repository: string, number: number, action: string, head: string, base: string) {
  const payload = recordedExample('pull_request', (e) => e.action === 'opened');
  payload.action = action;
  payload.repository.full_name = `acme/${repository}`;
  payload.repository.name = repository;
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.state = action === 'closed' ? 'closed' : 'open';
  Object.assign(payload.pull_request.head, {
    sha: head,
    ref: `feature-${number}`,
    repo: { ...payload.pull_request.head.repo, full_name: `acme/${repository}` },
  });
  Object.assign(payload.pull_request.base, {
    sha: base,
    ref: 'main',
    repo: { ...payload.pull_request.base.repo, full_name: `acme/${repository}` },
  });
  return payload;
}

/** A comment on a pull request, as GitHub sends it. */
export function commentPayload(repository: string, pullRequest: number, login: string, body: string) {
  const payload = recordedExample('issue_comment', (e) => e.action === 'created');
  payload.repository.full_name = `acme/${repository}`;
  payload.repository.name = repository;
  payload.issue.number = pullRequest;
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/acme/${repository}/pulls/${pullRequest}`,
  };
  payload.comment.user.login = login;
  payload.comment.body = body;
  return payload;
}

/** Deliveries Converge accepts and records but has nothing to do for: talk and events it ignores. */
function noise(repository: string, random: () => number): { event: string; payload: unknown } {
  const pick = random();
  if (pick < 0.5)
    return { event: 'issue_comment', payload: commentPayload(repository, 7, 'bob', 'Looks good to me') };
  const payload = recordedExample('push', (e) => Array.isArray(e.commits) && e.commits.length > 0);
  payload.repository.full_name = `acme/${repository}`;
  payload.repository.name = repository;
  if (pick < 0.8) {
    // A push to a branch the policy does not deploy.
    payload.ref = 'refs/heads/experiment';
    return { event: 'push', payload };
  }
  return {
    event: 'star',
    payload: { action: 'created', repository: payload.repository, sender: payload.sender },
  };
}

/**
 * The deliveries of one run: a push per commit (sent close to Git order, some overtaking others),
 * pull requests opened and synchronized, noise up to `size.deliveries`, and `duplicateShare` of
 * them sent again (the same id and body). Pull request closings are returned apart: they are sent
 * last, so every preview ends.
 */
export function planDeliveries(
  world: ReliabilityWorld,
  commits: readonly Commit[],
  random: () => number,
): { main: Delivery[]; closings: Delivery[] } {
  const unique: Delivery[] = [];
  const closings: Delivery[] = [];
  for (const commit of commits) {
    const files = Object.keys(commit.changed).map((name) => `stacks/${name}.yaml`);
    const payload = pushPayload(`acme/${commit.repository}`, commit.before, commit.sha, files);
    unique.push({ id: deliveryId(), event: 'push', payload, kind: 'push', duplicate: false });
  }
  for (const repository of world.repositories) {
    const mine = commits.filter((c) => c.repository === repository && c.index > 0);
    for (let p = 0; p < world.size.pullRequestsPerRepository && mine.length > 1; p += 1) {
      const number = PR_BASE + p;
      const head = mine[Math.floor(random() * (mine.length - 1))]!;
      const next = mine[mine.indexOf(head) + 1]!;
      for (const [action, commit] of [
        ['opened', head],
        ['synchronize', next],
      ] as const) {
        const payload = pullRequestPayload(repository, number, action, commit.sha, commit.before);
        unique.push({
          id: deliveryId(),
          event: 'pull_request',
          payload,
          kind: 'pull_request',
          duplicate: false,
        });
      }
      closings.push({
        id: deliveryId(),
        event: 'pull_request',
        payload: pullRequestPayload(repository, number, 'closed', next.sha, next.before),
        kind: 'pull_request',
        duplicate: false,
      });
    }
  }
  const wantedUnique = Math.round(world.size.deliveries * (1 - world.size.duplicateShare)) - closings.length;
  while (unique.length < wantedUnique) {
    const repository = world.repositories[Math.floor(random() * world.repositories.length)]!;
    const { event, payload } = noise(repository, random);
    unique.splice(Math.floor(random() * (unique.length + 1)), 0, {
      id: deliveryId(),
      event,
      payload,
      kind: 'noise',
      duplicate: false,
    });
  }
  // Keep pushes close to Git order, but let some overtake: swap neighbouring deliveries.
  for (let i = 1; i < unique.length; i += 1)
    if (random() < 0.25) [unique[i - 1], unique[i]] = [unique[i]!, unique[i - 1]!];
  // Duplicates: an earlier delivery sent again, later in the stream (or at the same moment).
  const main = [...unique];
  const duplicates = world.size.deliveries - unique.length - closings.length;
  for (let d = 0; d < duplicates; d += 1) {
    const originalAt = Math.floor(random() * unique.length);
    const original = unique[originalAt]!;
    const at = Math.min(main.length, main.indexOf(original) + 1 + Math.floor(random() * 40));
    main.splice(at, 0, { ...original, duplicate: true });
  }
  return { main, closings };
}

/** Sends deliveries from `senders` concurrent senders, timing each answer. */
export async function sendAll(
  world: ReliabilityWorld,
  deliveries: readonly Delivery[],
  senders: number,
): Promise<SendResult> {
  const answers = new Map<string, { status: number; outcome?: string }[]>();
  const latenciesMs: number[] = [];
  const kinds = { push: 0, pull_request: 0, noise: 0 };
  let next = 0;
  const started = Date.now();
  const sender = async () => {
    for (let i = next++; i < deliveries.length; i = next++) {
      const delivery = deliveries[i]!;
      kinds[delivery.kind] += 1;
      const at = performance.now();
      let status = 0;
      let outcome: string | undefined;
      // A 5xx is GitHub's cue to redeliver: do as GitHub does, with the same id, a few times.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await world.e2e.deliver(delivery.event, delivery.payload, {
          deliveryId: delivery.id,
        });
        status = response.status;
        const text = await response.text();
        try {
          outcome = (JSON.parse(text) as { outcome?: string }).outcome;
        } catch {
          outcome = undefined;
        }
        if (status < 500) break;
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
      latenciesMs.push(performance.now() - at);
      answers.set(delivery.id, [
        ...(answers.get(delivery.id) ?? []),
        { status, ...(outcome ? { outcome } : {}) },
      ]);
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  return {
    sent: deliveries.length,
    answers,
    latenciesMs,
    elapsedMs: Date.now() - started,
    kinds,
    duplicates: deliveries.filter((d) => d.duplicate).length,
  };
}

/** Merges the results of two sending phases. */
export function mergeResults(a: SendResult, b: SendResult): SendResult {
  const answers = new Map(a.answers);
  for (const [id, list] of b.answers) answers.set(id, [...(answers.get(id) ?? []), ...list]);
  return {
    sent: a.sent + b.sent,
    answers,
    latenciesMs: [...a.latenciesMs, ...b.latenciesMs],
    elapsedMs: a.elapsedMs + b.elapsedMs,
    kinds: {
      push: a.kinds.push + b.kinds.push,
      pull_request: a.kinds.pull_request + b.kinds.pull_request,
      noise: a.kinds.noise + b.kinds.noise,
    },
    duplicates: a.duplicates + b.duplicates,
  };
}

/** Latency and throughput, for the table. */
export function latencySummary(result: SendResult): string {
  const p50 = percentile(result.latenciesMs, 50).toFixed(0);
  const p99 = percentile(result.latenciesMs, 99).toFixed(0);
  const rate = (result.sent / Math.max(result.elapsedMs / 1000, 0.001)).toFixed(1);
  return `p50 ${p50} ms, p99 ${p99} ms, ${rate}/s`;
}

/** Votes cast per channel. */
export interface VoteCounts {
  slack: number;
  comment: number;
  cli: number;
  /** The longest a vote took to be answered, per channel (ms). */
  slowestMs: { slack: number; comment: number; cli: number };
}

/**
 * Approves waiting deployments the way people do, racing each other: a Slack click, a
 * `/converge approve <stack>` comment on the merged pull request (GitHub answers the pull request
 * as merged into the deployment's revision), or `converge approve` from the CLI (at most
 * `cliBudget` times: each starts a process). Sometimes two channels vote on one deployment at once.
 */
export function approver(world: ReliabilityWorld, random: () => number, cliBudget: number) {
  const votes: VoteCounts = { slack: 0, comment: 0, cli: 0, slowestMs: { slack: 0, comment: 0, cli: 0 } };
  const timed = async (channel: 'slack' | 'comment' | 'cli', vote: Promise<unknown>) => {
    const at = Date.now();
    await vote;
    votes.slowestMs[channel] = Math.max(votes.slowestMs[channel], Date.now() - at);
  };
  let pullRequests = 5000;
  let cliLeft = cliBudget;
  const slack = async (d: Deployment) => {
    votes.slack += 1;
    await world.e2e.click(d, { userId: APPROVERS.slack });
  };
  const comment = async (d: Deployment) => {
    votes.comment += 1;
    const number = pullRequests++;
    const repository = d.repository.split('/')[1]!;
    world.e2e.recorder.route('GET', `/repos/${d.repository}/pulls/${number}`, {
      body: {
        number,
        user: { login: 'carol' },
        head: { sha: 'f'.repeat(40), ref: 'feature', repo: { full_name: d.repository } },
        base: { sha: 'e'.repeat(40), ref: 'main', repo: { full_name: d.repository } },
        merged: true,
        merged_at: new Date().toISOString(),
        merge_commit_sha: d.revision,
      },
    });
    await world.e2e.deliver(
      'issue_comment',
      commentPayload(repository, number, APPROVERS.github, `/converge approve ${d.stack.stackName}`),
    );
  };
  const cli = async (d: Deployment) => {
    votes.cli += 1;
    await runConverge(world.project, ['approve', d.id]);
  };
  const vote = (d: Deployment) => {
    const pick = random();
    // The first vote of a run goes through the CLI, so every run has one; then a tenth of them.
    if ((votes.cli === 0 || pick < 0.1) && cliLeft > 0) {
      cliLeft -= 1;
      return timed('cli', cli(d));
    }
    return pick < 0.55 ? timed('slack', slack(d)) : timed('comment', comment(d));
  };
  // Votes run in the background, at most one round per deployment at a time, so a slow vote (a
  // Slack click waits for its approval message) never holds back the votes on other deployments.
  const pending = new Map<string, Promise<void>>();
  return {
    votes,
    approve(waiting: readonly Deployment[]): void {
      for (const d of waiting) {
        if (pending.has(d.id)) continue;
        // A quarter of the time a second person approves from another channel at the same moment.
        const voting = Promise.all(random() < 0.25 ? [vote(d), vote(d)] : [vote(d)])
          .then(() => undefined)
          // A vote that fails (a throttled read in the faults suite) is cast again next round.
          .catch(() => undefined)
          .finally(() => pending.delete(d.id));
        pending.set(d.id, voting);
      }
    },
    /** Waits for the votes still running. */
    async drain(): Promise<void> {
      await Promise.allSettled([...pending.values()]);
    },
  };
}
