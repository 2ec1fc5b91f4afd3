import type { Reason } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import { RevisionRelation, type Source, SourceRevisionNotFoundError } from '../../ports/source.ts';
import type { StackState, Store } from '../../ports/store.ts';
import { StackBusyError } from './stack-busy-error.ts';

/** How often a plan compares again when another plan of the stack recorded its attempt first. */
const MAX_CLAIMS = 3;

/** What Git history says about the revision a deployment plans, against what the stack has. */
export type RevisionClaim =
  | {
      /** The revision is now the stack's newest attempt. */
      readonly kind: 'claimed';
      /** Set when it is on a rewritten history: it then needs a person's approval. */
      readonly historyRewritten?: { readonly from: string };
    }
  | {
      /** An ancestor of what the stack has applied or attempted: recorded, never planned. */
      readonly kind: 'stale';
      readonly reason: Reason;
      readonly by: { readonly deploymentId: string; readonly revision: string };
    };

/**
 * Places a deploy revision in Git history before it is planned: it must descend from the stack's
 * last applied revision and from its newest attempt (equal is a re-run). An ancestor of either
 * (a late delivery, a replay) is stale. A revision that is neither (a force push) is claimed but
 * flagged as history rewritten. The claim is a compare-and-set on the attempt compared against,
 * so a plan that recorded meanwhile makes this compare again: arrival order never decides.
 *
 * @example
 * const claim = await claimRevision(deps, { repository, revision, stackKey }, deployment.id);
 * if (claim.kind === 'stale') ... // end the deployment with claim.reason
 */
export async function claimRevision(
  deps: { readonly source: Source; readonly store: Store; readonly clock: Clock },
  target: { readonly repository: string; readonly revision: string; readonly stackKey: string },
  deploymentId: string,
): Promise<RevisionClaim> {
  const { store } = deps;
  for (let attempt = 0; attempt < MAX_CLAIMS; attempt++) {
    const state = await store.getStackState(target.stackKey);
    let historyRewritten: { from: string } | undefined;

    // Compare with the applied revision, then with the newest attempt (unless it is this one's).
    for (const known of knownRevisions(state, deploymentId)) {
      const relation = await relate(deps.source, target.repository, known.revision, target.revision);
      if (relation === RevisionRelation.BEHIND) {
        return { kind: 'stale', reason: staleReason(target.revision, known), by: known };
      }
      if (relation === RevisionRelation.DIVERGED) historyRewritten ??= { from: known.revision };
    }

    // Record it as the newest attempt, only over the attempt it was compared with.
    const replacing = { deploymentId: state?.lastAttemptedDeploymentId };
    if (
      await store.recordAttempt(target.stackKey, target.revision, deploymentId, iso(deps.clock), replacing)
    ) {
      return historyRewritten ? { kind: 'claimed', historyRewritten } : { kind: 'claimed' };
    }
  }
  throw new StackBusyError(target.stackKey, 'other plans of the stack kept recording attempts meanwhile');
}

interface KnownRevision {
  readonly what: 'applied' | 'attempted';
  readonly revision: string;
  readonly deploymentId: string;
}

/** The stack's applied revision and its newest attempt, each once; never this deployment's own. */
function knownRevisions(state: StackState | undefined, deploymentId: string): KnownRevision[] {
  const known: KnownRevision[] = [];
  if (state?.lastAppliedRevision && state.lastAppliedDeploymentId !== deploymentId) {
    known.push({
      what: 'applied',
      revision: state.lastAppliedRevision,
      deploymentId: state.lastAppliedDeploymentId ?? 'unknown',
    });
  }
  if (
    state?.lastAttemptedRevision &&
    state.lastAttemptedDeploymentId !== deploymentId &&
    state.lastAttemptedRevision !== state.lastAppliedRevision
  ) {
    known.push({
      what: 'attempted',
      revision: state.lastAttemptedRevision,
      deploymentId: state.lastAttemptedDeploymentId ?? 'unknown',
    });
  }
  return known;
}

/** A known revision that is no longer in the repository was rewritten away: the new one diverged from it. */
async function relate(
  source: Source,
  repository: string,
  base: string,
  head: string,
): Promise<RevisionRelation> {
  try {
    return await source.compare(repository, base, head);
  } catch (error) {
    if (error instanceof SourceRevisionNotFoundError) return RevisionRelation.DIVERGED;
    throw error;
  }
}

function staleReason(revision: string, known: KnownRevision): Reason {
  const has = known.what === 'applied' ? 'has applied' : 'is planning';
  return {
    code: ReasonCode.STALE_REVISION,
    message: `Revision ${revision.slice(0, 12)} is an ancestor of ${known.revision.slice(0, 12)}, which the stack ${has} (deployment ${known.deploymentId}): a late or replayed push. It is recorded and never planned.`,
  };
}
