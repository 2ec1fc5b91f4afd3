import type { StackConfig } from '../../domain/config/stack-config.ts';
import { type ControlPlanePolicy, stackPermission } from '../../domain/policy/control-plane-policy.ts';
import type { Clock } from '../../ports/clock.ts';
import { RevisionRelation, type Source } from '../../ports/source.ts';
import type { Store } from '../../ports/store.ts';
import { deploymentInFlight } from '../deployment/deployment-in-flight.ts';

/** What deciding one stack reads: the policy, the stack's state and history, the repository. */
export interface GitPollDecisionDeps {
  readonly policy: ControlPlanePolicy;
  readonly source: Source;
  readonly store: Store;
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
  /** The head is an ancestor of the applied revision (the branch was reset): never planned. */
  BEHIND: 'behind',
  /** It would be planned, but the head is younger than `minCommitAgeMs`: its own webhook is likely on its way. */
  RECENT: 'recent',
} as const;
export type GitPollDecision = (typeof GitPollDecision)[keyof typeof GitPollDecision];

/** One stack at one branch head; `inputsChanged` says whether its inputs differ between a base and the head. */
export interface StackAtHead {
  readonly repository: string;
  readonly head: string;
  readonly stack: StackConfig;
  readonly key: string;
  readonly inputsChanged: (stack: StackConfig, base: string) => Promise<boolean>;
}

/**
 * Whether the Git poll plans one stack at the branch head, and why: only a stack the policy
 * allows, whose inputs differ from its applied revision, with nothing in flight, and whose head
 * (or a revision standing for it) was not attempted already.
 */
export async function decideStack(
  deps: GitPollDecisionDeps,
  { repository, head, stack, key, inputsChanged }: StackAtHead,
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

  // Never backwards: a head the applied revision descends from (the branch was reset) would be
  // stale on every plan, and stale plans record no attempt, so it is refused here.
  if (applied && (await relation(deps, repository, head, applied)) === RevisionRelation.AHEAD) {
    return {
      decision: GitPollDecision.BEHIND,
      reason: `${differs}, but ${short} is an ancestor of the applied revision; Converge never moves a stack back: commit a revert on top instead`,
    };
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
  deps: GitPollDecisionDeps,
  repository: string,
  head: string,
  attempted: string,
  sameInputs: () => Promise<boolean>,
): Promise<string | undefined> {
  const short = attempted.slice(0, 12);
  if (attempted === head) return short;
  const where = await relation(deps, repository, head, attempted);
  if (where === RevisionRelation.IDENTICAL || where === RevisionRelation.AHEAD) return short;
  if (where === RevisionRelation.BEHIND && (await sameInputs())) return `${short} (same inputs)`;
  return undefined;
}

/** Where `other` stands relative to `head`; a revision gone from history (a force push) has diverged. */
async function relation(
  deps: GitPollDecisionDeps,
  repository: string,
  head: string,
  other: string,
): Promise<RevisionRelation> {
  try {
    return await deps.source.compare(repository, head, other);
  } catch {
    return RevisionRelation.DIVERGED;
  }
}

/** Whether a comparison says "changed"; a base Git no longer has counts as changed. */
async function orTrue(changed: Promise<boolean>): Promise<boolean> {
  try {
    return await changed;
  } catch {
    return true;
  }
}
