import picomatch from 'picomatch';
import type { Configuration, StackConfig } from '../domain/config/stack-config.ts';
import { stackKey } from '../domain/deployment/deployment.ts';
import { type ControlPlanePolicy, stackPermission } from '../domain/policy/control-plane-policy.ts';
import { planOrder } from '../domain/stack/plan-order.ts';
import type { Clock } from '../ports/clock.ts';
import type { Job, Queue } from '../ports/queue.ts';
import { RevisionRelation, type Source } from '../ports/source.ts';
import type { Store } from '../ports/store.ts';
import { deploymentInFlight } from './deployment-in-flight.ts';
import { loadConfiguration } from './load-configuration.ts';
import { iso } from './move-deployment.ts';
import { sendStackJobs, stacksToPlan } from './webhook-plan-jobs.ts';

export interface ConvergeOnGitDeps {
  /** Which repositories and branches are served, and which stacks each may manage. */
  readonly policy: ControlPlanePolicy;
  readonly source: Source;
  readonly store: Store;
  readonly queue: Queue;
  readonly clock: Clock;
}

/** What the poll decided for one stack. */
export const GitPollDecision = {
  /** Its inputs at the head differ from what is applied: a plan job was sent. */
  PLANNED: 'planned',
  /** Its inputs at the head are what is applied. */
  UP_TO_DATE: 'up-to-date',
  /** A deployment of it is planning, awaiting approval, approved or executing, or its lock is held. */
  IN_FLIGHT: 'in-flight',
  /** The head (or a revision with the same inputs, or a later one) was planned already; its outcome stands. */
  ALREADY_ATTEMPTED: 'already-attempted',
  /** The control-plane policy does not let the repository manage it. */
  NOT_ALLOWED: 'not-allowed',
} as const;
export type GitPollDecision = (typeof GitPollDecision)[keyof typeof GitPollDecision];

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
export async function convergeOnGit(deps: ConvergeOnGitDeps): Promise<ConvergeOnGitResult> {
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
        const outcome = await pollBranch(deps, entry.name, branch);
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
  if (configuration.branch !== branch) {
    return `converge.yaml at ${head.slice(0, 12)} tracks ${configuration.branch}, not ${branch}`;
  }

  // Decide each stack; changed paths are read once per base revision.
  const changed = new Map<string, Promise<readonly string[]>>();
  const inputsChanged = async (stack: StackConfig, base: string) => {
    if (!changed.has(base)) changed.set(base, deps.source.changedPaths(repository, base, head));
    const paths = await changed.get(base)!;
    return stacksToPlan(configuration, paths).some((affected) => affected.name === stack.name);
  };
  const decisions: StackPollDecision[] = [];
  for (const stack of configuration.stacks) {
    const key = stackKey({ stackName: stack.name, region: stack.region });
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

  // Send the webhook's own plan job for each stack to plan, in dependency order; the delivery id
  // names the head, so the FIFO queue drops what a poll in the last five minutes already sent.
  const toPlan = configuration.stacks.filter((stack) =>
    decisions.some((d) => d.stackName === stack.name && d.decision === GitPollDecision.PLANNED),
  );
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
    }),
  );

  // Record why each stack was planned: the same head is planned once, so this stays short.
  for (const decision of decisions) {
    if (decision.decision !== GitPollDecision.PLANNED) continue;
    await deps.store.appendAudit({
      subject: `stack#${decision.stackKey}`,
      action: 'git_poll_planned',
      actor: GIT_POLL_ACTOR,
      reason: decision.reason,
      at: iso(deps.clock),
      data: { repository, branch, revision: head },
    });
  }
  return decisions;
}

interface StackContext {
  readonly repository: string;
  readonly head: string;
  readonly stack: StackConfig;
  readonly key: string;
  readonly inputsChanged: (stack: StackConfig, base: string) => Promise<boolean>;
}

async function decideStack(
  deps: ConvergeOnGitDeps,
  { repository, head, stack, key, inputsChanged }: StackContext,
): Promise<{ decision: GitPollDecision; reason: string }> {
  const short = head.slice(0, 12);
  // Only stacks the control-plane policy lets this repository manage.
  const permission = stackPermission(deps.policy, repository, stack.name);
  if (!permission.allowed) return { decision: GitPollDecision.NOT_ALLOWED, reason: permission.reason };

  // Up to date when nothing the stack reads changed between the applied revision and the head.
  const state = await deps.store.getStackState(key);
  const applied = state?.lastAppliedRevision;
  if (applied === head) return { decision: GitPollDecision.UP_TO_DATE, reason: `${short} is applied` };
  if (applied && !(await orTrue(inputsChanged(stack, applied)))) {
    return {
      decision: GitPollDecision.UP_TO_DATE,
      reason: `its inputs at ${short} are those of the applied ${applied.slice(0, 12)}`,
    };
  }
  const differs = applied
    ? `its inputs at ${short} differ from the applied ${applied.slice(0, 12)}`
    : `it was never applied; ${short} is the branch head`;

  // Nothing in flight: a waiting approval or a running execution is left to finish.
  if (await deploymentInFlight(deps, key)) {
    return { decision: GitPollDecision.IN_FLIGHT, reason: `${differs}, but a deployment of it is in flight` };
  }

  // Not again: a head already planned (rejected, failed, no changes) keeps its outcome until Git moves.
  const attempted = state?.lastAttemptedRevision;
  if (attempted && attempted !== applied) {
    const again = await attemptedAlready(deps, repository, head, attempted, () =>
      orTrue(inputsChanged(stack, attempted)).then((changed) => !changed),
    );
    if (again) {
      return {
        decision: GitPollDecision.ALREADY_ATTEMPTED,
        reason: `${differs}, but ${again} was attempted already (see its deployment); push a change or retry it`,
      };
    }
  }
  return { decision: GitPollDecision.PLANNED, reason: `${differs}; no webhook planned it` };
}

/**
 * The attempted revision that stands for `head`, if any: the head itself, a descendant of it,
 * or an ancestor whose inputs for the stack are those of the head.
 */
async function attemptedAlready(
  deps: ConvergeOnGitDeps,
  repository: string,
  head: string,
  attempted: string,
  sameInputs: () => Promise<boolean>,
): Promise<string | undefined> {
  const short = attempted.slice(0, 12);
  if (attempted === head) return short;
  let relation: RevisionRelation;
  try {
    relation = await deps.source.compare(repository, head, attempted);
  } catch {
    // The attempted revision is gone from history (a force push): the head is new.
    return undefined;
  }
  if (relation === RevisionRelation.IDENTICAL || relation === RevisionRelation.AHEAD) return short;
  if (relation === RevisionRelation.BEHIND && (await sameInputs())) return `${short} (same inputs)`;
  return undefined;
}

/** Whether a comparison says "changed"; a base Git no longer has counts as changed. */
async function orTrue(changed: Promise<boolean>): Promise<boolean> {
  try {
    return await changed;
  } catch {
    return true;
  }
}

/** Stacks in dependency order, configuration order when the graph has a cycle (as the webhook plans them). */
function inDependencyOrder(stacks: readonly StackConfig[]): readonly StackConfig[] {
  try {
    return planOrder(stacks);
  } catch {
    return stacks;
  }
}
