import picomatch from 'picomatch';
import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { stackKey } from '../../domain/deployment/deployment.ts';
import type { ControlPlanePolicy } from '../../domain/policy/control-plane-policy.ts';
import { planOrder } from '../../domain/stack/plan-order.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CodeReview } from '../../ports/code-review.ts';
import type { Job, Queue } from '../../ports/queue.ts';
import type { Source } from '../../ports/source.ts';
import type { Store } from '../../ports/store.ts';

import { loadConfiguration } from '../configuration/load-configuration.ts';
import { removedStacks, sendRemovedStackJobs } from '../webhook/removed-stack-jobs.ts';
import { pushAuthors } from '../webhook/webhook-authors.ts';
import { sendStackJobs, stacksToPlan } from '../webhook/webhook-plan-jobs.ts';
import { decideStack, GitPollDecision } from './git-poll-decision.ts';

export interface ConvergeOnGitDeps {
  /** Which repositories and branches are served, and which stacks each may manage. */
  readonly policy: ControlPlanePolicy;
  readonly source: Source;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
  /** Who a polled change is attributed to (merged pull requests at the head), as for a push. */
  readonly codeReview: CodeReview;
}

export interface StackPollDecision {
  readonly repository: string;
  readonly branch: string;
  /** The branch head the decision was made at. */
  readonly revision: string;
  readonly stackName: string;
  readonly stackKey: string;
  readonly decision: GitPollDecision;
  readonly reason: string;
}

/** A branch that was not polled, and why (a glob, a missing branch, an unusable converge.yaml, an error). */
export interface BranchPollSkip {
  readonly repository: string;
  readonly branch: string;
  readonly reason: string;
}

export interface ConvergeOnGitOptions {
  /**
   * A head committed less than this long ago is left to its webhook (decision `recent`), so a
   * poll that runs between a push and its plan does not plan the same revision twice. 0 (the
   * default) plans at once. A committer date in the future counts as old: it never delays a plan.
   */
  readonly minCommitAgeMs?: number;
}

export interface ConvergeOnGitResult {
  readonly stacks: readonly StackPollDecision[];
  readonly skipped: readonly BranchPollSkip[];
}

/**
 * The `detail.task` of the schedule that runs {@link convergeOnGit} (the reconcile function's
 * second schedule; its first reconciles deployments).
 */
export const CONVERGE_ON_GIT_TASK = 'converge-on-git';

/** Who the audit records name for what the poll does. */
export const GIT_POLL_ACTOR = 'system:git-poll';

/**
 * The reconcile of Git itself, run on a schedule, so a push whose webhook was lost or refused
 * never leaves a stack behind: for every literal branch the control-plane policy tracks, reads
 * the branch head and its `converge.yaml`, and sends the webhook's own plan job for each allowed
 * stack whose inputs at the head differ from its last applied revision, unless a deployment of
 * it is in flight or that head was already attempted (a rejected or failed revision is not
 * planned again every few minutes). One failing repository never stops the others.
 *
 * @example
 * const { stacks, skipped } = await convergeOnGit(deps);
 */
export async function convergeOnGit(
  deps: ConvergeOnGitDeps,
  options: ConvergeOnGitOptions = {},
): Promise<ConvergeOnGitResult> {
  const stacks: StackPollDecision[] = [];
  const skipped: BranchPollSkip[] = [];
  for (const entry of deps.policy.repositories) {
    for (const branch of entry.branches) {
      // Only a named branch has one head to read; a glob would need the branch list.
      if (picomatch.scan(branch).isGlob) {
        skipped.push({
          repository: entry.name,
          branch,
          reason: `"${branch}" is a glob; only named branches are polled, pushes to it still deploy through the webhook`,
        });
        continue;
      }
      try {
        const outcome = await pollBranch(deps, entry.name, branch, options.minCommitAgeMs ?? 0);
        if (typeof outcome === 'string') skipped.push({ repository: entry.name, branch, reason: outcome });
        else stacks.push(...outcome);
      } catch (error) {
        skipped.push({
          repository: entry.name,
          branch,
          reason: `polling failed (the next run tries again): ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  }
  return { stacks, skipped };
}

/** The decisions for one branch, or why it was not polled. */
async function pollBranch(
  deps: ConvergeOnGitDeps,
  repository: string,
  branch: string,
  minCommitAgeMs: number,
): Promise<readonly StackPollDecision[] | string> {
  // Read the branch head, and converge.yaml at it.
  const head = await deps.source.branchHead(repository, branch);
  if (!head) return `branch ${branch} does not exist in ${repository}`;
  let configuration: Configuration;
  try {
    configuration = await loadConfiguration(deps, { repository, revision: head });
  } catch (error) {
    return `converge.yaml at ${head.slice(0, 12)} cannot be used: ${error instanceof Error ? error.message : String(error)}`;
  }

  // Decide each stack; what changed since a base revision is read (and matched) once per base.
  const affectedSince = new Map<string, Promise<ReadonlySet<string>>>();
  const inputsChanged = async (stack: StackConfig, base: string) => {
    if (!affectedSince.has(base)) {
      const affected = deps.source
        .changedPaths(repository, base, head)
        .then((paths) => new Set(stacksToPlan(configuration, paths).map((s) => s.name)));
      affectedSince.set(base, affected);
    }
    return (await affectedSince.get(base)!).has(stack.name);
  };
  const decisions: StackPollDecision[] = [];
  for (const stack of configuration.stacks) {
    const key = stackKey({ stackName: stack.name, region: stack.region, account: stack.account });
    const { decision, reason } = await decideStack(deps, { repository, head, stack, key, inputsChanged });
    decisions.push({
      repository,
      branch,
      revision: head,
      stackName: stack.name,
      stackKey: key,
      decision,
      reason,
    });
  }

  // A head just committed is left to its own webhook for a while (read only when something would be planned).
  const planned = decisions.some((d) => d.decision === GitPollDecision.PLANNED);
  const young =
    planned && minCommitAgeMs > 0 ? await youngHead(deps, repository, head, minCommitAgeMs) : undefined;
  if (young) {
    for (const [index, d] of decisions.entries())
      if (d.decision === GitPollDecision.PLANNED)
        decisions[index] = { ...d, decision: GitPollDecision.RECENT, reason: `${d.reason}, but ${young}` };
  }

  // Send the webhook's own plan job for each stack to plan, in dependency order; the delivery id
  // names the head, so the FIFO queue drops what a poll in the last five minutes already sent.
  const toPlan = configuration.stacks.filter((stack) =>
    decisions.some((d) => d.stackName === stack.name && d.decision === GitPollDecision.PLANNED),
  );
  // Attributed as a push is, from the code host (no payload here: no pusher or sender), so an
  // author of the change still cannot approve it; the head commit's author is added by planning.
  const authors = toPlan.length > 0 ? await pushAuthors(deps, repository, { after: head }) : [];
  const deliveryId = `poll:${repository}@${head}`;
  const requestedAt = deps.clock.now();
  await sendStackJobs(
    deps,
    deliveryId,
    inDependencyOrder(toPlan),
    (stack, key): Job => ({
      type: 'plan',
      kind: 'deploy',
      repository,
      revision: head,
      stackName: stack.name,
      stackKey: key,
      requestedAt,
      deliveryId,
      ...(authors[0] ? { author: authors[0] } : {}),
      authors,
    }),
  );

  // Stacks converge.yaml at the head no longer names are released or deleted, as after a push
  // (a young head is left to its webhook, which does the same).
  const removed = await removedStacks(deps, repository, configuration);
  if (
    removed.length > 0 &&
    !(minCommitAgeMs > 0 && (await youngHead(deps, repository, head, minCommitAgeMs)))
  ) {
    await sendRemovedStackJobs(deps, {
      repository,
      revision: head,
      configuration,
      changedPaths: [configuration.file],
      deliveryId,
      requestedAt,
    });
  }

  // Record why each stack was planned: the same head is planned once, so this stays short.
  for (const decision of decisions) {
    if (decision.decision !== GitPollDecision.PLANNED) continue;
    await deps.store.appendAudit({
      subject: `stack#${decision.stackKey}`,
      action: AuditAction.GIT_POLL_PLANNED,
      actor: GIT_POLL_ACTOR,
      reason: decision.reason,
      at: iso(deps.clock),
      data: { repository, branch, revision: head },
    });
  }
  return decisions;
}

/** Why the head is too young to plan yet, or undefined when it is old enough (or dated in the future). */
async function youngHead(
  deps: ConvergeOnGitDeps,
  repository: string,
  head: string,
  minCommitAgeMs: number,
): Promise<string | undefined> {
  const committedAt = Date.parse((await deps.source.commit(repository, head)).committedAt);
  const age = deps.clock.now() - committedAt;
  if (!(age >= 0 && age < minCommitAgeMs)) return undefined;
  return `it was committed ${Math.round(age / 1000)} s ago: its webhook has until ${new Date(committedAt + minCommitAgeMs).toISOString()} to plan it`;
}

/** Stacks in dependency order, configuration order when the graph has a cycle (as the webhook plans them). */
function inDependencyOrder(stacks: readonly StackConfig[]): readonly StackConfig[] {
  try {
    return planOrder(stacks);
  } catch {
    return stacks;
  }
}
