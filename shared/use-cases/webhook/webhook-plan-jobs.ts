import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import { stackKey } from '../../domain/deployment/deployment.ts';
import { dedupeId } from '../../domain/deployment/deployment-names.ts';
import { affectedStacks } from '../../domain/stack/affected-stacks.ts';
import { planOrder } from '../../domain/stack/plan-order.ts';
import type { Job, Queue } from '../../ports/queue.ts';
import type { Source } from '../../ports/source.ts';

/** GitHub lists at most this many commits in a push payload; beyond it the list is cut. */
export const PUSH_PAYLOAD_COMMIT_LIMIT = 20;

const ZERO_SHA = /^0+$/;

/** What a push payload says about the commits it carries (a subset of GitHub's shape). */
export interface PushCommits {
  readonly before: string;
  readonly after: string;
  readonly forced?: boolean;
  readonly commits: readonly { added?: string[]; modified?: string[]; removed?: string[] }[];
}

/**
 * The paths a push changed. The payload's own lists are used only when they are complete: not
 * for a new branch, a force push, an empty list, or a list at GitHub's 20-commit cap; then the
 * compare API (`source.changedPaths`) answers.
 */
export async function pushChangedPaths(
  { source }: { source: Source },
  repository: string,
  push: PushCommits,
): Promise<readonly string[]> {
  const newBranch = ZERO_SHA.test(push.before);
  const complete =
    !newBranch && !push.forced && push.commits.length > 0 && push.commits.length < PUSH_PAYLOAD_COMMIT_LIMIT;
  if (!complete) return source.changedPaths(repository, newBranch ? undefined : push.before, push.after);
  return [
    ...new Set(
      push.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]),
    ),
  ];
}

/** The configured stacks a change touches, in dependency order (configuration order if the graph has a cycle). */
export function stacksToPlan(
  configuration: Configuration,
  changedPaths: readonly string[],
): readonly StackConfig[] {
  const affected = affectedStacks(configuration, changedPaths);
  try {
    return planOrder(affected);
  } catch {
    return affected;
  }
}

/**
 * Sends one job per stack to the FIFO queue: the stack key is the message group (one stack's
 * jobs stay in order), and delivery + stack is the deduplication id (a redelivery sends nothing new).
 */
export async function sendStackJobs(
  { queue }: { queue: Queue },
  deliveryId: string,
  stacks: readonly StackConfig[],
  job: (stack: StackConfig, key: string) => Job,
): Promise<number> {
  for (const stack of stacks) {
    const key = stackKey({ stackName: stack.name, region: stack.region, account: stack.account });
    await queue.send(job(stack, key), { group: key, dedupeId: dedupeId(deliveryId, key) });
  }
  return stacks.length;
}
