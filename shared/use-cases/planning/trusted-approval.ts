import type { ApprovalRequirement } from '../../domain/approval/approval.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import {
  type ControlPlanePolicy,
  controlPlaneRequirement,
  holdToPolicy,
} from '../../domain/policy/control-plane-policy.ts';
import { policyChangeRequirement, policyChanges } from '../../domain/policy/policy-changes.ts';
import type { DeployWindow } from '../../domain/window/deploy-window.ts';
import type { Source } from '../../ports/source.ts';
import type { StackState } from '../../ports/store.ts';
import { loadConfiguration } from '../configuration/load-configuration.ts';
import { TrustedRuleUnreadableError } from '../configuration/trusted-rule-unreadable-error.ts';

/** The rule that gates a deployment, where it came from, and what the revision changes in it. */
export interface TrustedRule {
  readonly approval: ApprovalRequirement;
  readonly from: string;
  /** What the revision changes in trusted configuration; any entry makes it a policy change. */
  readonly policyChanges: readonly string[];
  /** The stack's deploy windows in the trusted converge.yaml, when one was read. */
  readonly windows?: readonly DeployWindow[];
  /** The stack's `terminationProtection` in the trusted converge.yaml, when it states one. */
  readonly terminationProtection?: boolean;
}

/**
 * The approval rule that gates a deployment, from configuration already trusted: the stack's
 * entry in converge.yaml at its last applied revision, held to the control-plane policy (floor,
 * auto-approval cap, `approvers: []` meaning the control-plane approvers, the policy's people
 * first). A stack never deployed, or missing from its trusted file, gets the control-plane rule.
 * Never from the revision being deployed: when that revision changes what governs approval,
 * drift, people, roles, capabilities or which stacks exist, it is a policy change, approved under
 * the stricter of the trusted rule and the floor and never automatically.
 *
 * @throws TrustedRuleUnreadableError when the trusted converge.yaml cannot be read: the plan
 * waits and is retried, and never falls back to a weaker rule.
 */
export async function trustedApproval(
  { source }: { source: Source },
  input: {
    readonly repository: string;
    readonly stackName: string;
    readonly stackKey: string;
    readonly state: StackState | undefined;
    readonly policy: ControlPlanePolicy;
    /** The configuration at the revision being planned, when it read. */
    readonly next?: Configuration;
  },
): Promise<TrustedRule> {
  const { policy, state } = input;
  const trusted = state?.lastAppliedRevision;
  if (!trusted) {
    return {
      approval: controlPlaneRequirement(policy),
      from: 'control-plane policy (first deployment)',
      policyChanges: [],
    };
  }

  // Read the trusted file; unreadable fails closed.
  const configuration = await loadConfiguration(
    { source },
    { repository: input.repository, revision: trusted },
  ).catch((error: unknown) => {
    throw new TrustedRuleUnreadableError(
      input.stackKey,
      trusted,
      error instanceof Error ? error.message : String(error),
    );
  });
  const stack = configuration.stacks.find((candidate) => candidate.name === input.stackName);
  if (!stack) {
    return {
      approval: controlPlaneRequirement(policy),
      from: `control-plane policy (${input.stackName} is not in converge.yaml at ${trusted.slice(0, 12)})`,
      policyChanges: [],
    };
  }

  // Hold the repository's rule to the policy; the people who count once come from the same file.
  const rule = configuration.people ? { ...stack.approval, people: configuration.people } : stack.approval;
  const held = withoutEmptyPeople(holdToPolicy(policy, rule));
  const changes = input.next ? policyChanges(configuration, input.next, input.stackName) : [];
  if (changes.length === 0) {
    return {
      approval: held,
      from: `converge.yaml at ${trusted.slice(0, 12)}`,
      policyChanges: [],
      windows: stack.windows,
      ...protectionOf(stack),
    };
  }
  return {
    approval: policyChangeRequirement(held, policy.approval.floor),
    from: `converge.yaml at ${trusted.slice(0, 12)} (policy change)`,
    policyChanges: changes,
    windows: stack.windows,
    ...protectionOf(stack),
  };
}

/** The stack's trusted `terminationProtection`, when its converge.yaml states one. */
function protectionOf(stack: { readonly terminationProtection?: boolean }) {
  return stack.terminationProtection !== undefined
    ? { terminationProtection: stack.terminationProtection }
    : {};
}

/** A rule naming no people carries none, so that a deployment shows no empty `people`. */
function withoutEmptyPeople(rule: ApprovalRequirement): ApprovalRequirement {
  if (rule.people && Object.keys(rule.people).length === 0) {
    const { people: _none, ...rest } = rule;
    return rest;
  }
  return rule;
}
