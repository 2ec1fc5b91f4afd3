import type { ApprovalRequirement } from '../domain/approval/approval.ts';
import type { Source } from '../ports/source.ts';
import type { StackState } from '../ports/store.ts';
import { loadConfiguration } from './load-configuration.ts';

/**
 * The approval rule that gates a deployment, from configuration already trusted: the stack's
 * entry in converge.yaml at its last applied revision, or the control-plane default for a stack
 * never deployed (or whose trusted configuration no longer reads). Never from the revision being
 * deployed, so a commit cannot lower its own approval bar. The rule carries the trusted file's
 * `people:` (who counts once), so a commit cannot merge two approvers into one or split one into two.
 */
export async function trustedApproval(
  { source }: { source: Source },
  input: {
    repository: string;
    stackName: string;
    state: StackState | undefined;
    fallback: ApprovalRequirement;
  },
): Promise<{ readonly approval: ApprovalRequirement; readonly from: string }> {
  const trusted = input.state?.lastAppliedRevision;
  if (trusted) {
    const configuration = await loadConfiguration(
      { source },
      { repository: input.repository, revision: trusted },
    ).catch(() => undefined);
    const stack = configuration?.stacks.find((candidate) => candidate.name === input.stackName);
    if (stack) {
      // The people who count once come from the same trusted file as the rule.
      const people = configuration?.people;
      const approval = people ? { ...stack.approval, people } : stack.approval;
      return { approval, from: `converge.yaml at ${trusted.slice(0, 12)}` };
    }
  }
  return { approval: input.fallback, from: 'control-plane default' };
}
