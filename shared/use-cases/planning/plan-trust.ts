import type { ApprovalRequirement } from '../../domain/approval/approval.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import { DeploymentKind, type Reason, type StackRef } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import {
  type ControlPlanePolicy,
  controlPlaneRequirement,
  stackPermission,
} from '../../domain/policy/control-plane-policy.ts';
import { ManagedStackTag } from '../../domain/stack/managed-stack-tags.ts';
import { iso } from '../../domain/time.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Source } from '../../ports/source.ts';
import type { Stacks } from '../../ports/stacks.ts';
import type { StackState, Store } from '../../ports/store.ts';
import { TrustedRuleUnreadableError } from '../configuration/trusted-rule-unreadable-error.ts';
import { trustedApproval } from './trusted-approval.ts';

/** The tag Converge sets on every stack it creates: the repository that owns it. */
export const REPOSITORY_TAG = ManagedStackTag.REPOSITORY;

/** How long a plan waits for an unreadable trusted rule before it fails (retried meanwhile). */
export const DEFAULT_TRUSTED_RULE_WAIT_MS = 10 * 60_000;

export interface PlanTrustDeps {
  readonly source: Source;
  readonly stacks: Stacks;
  readonly store: Store;
  readonly clock: Clock;
  readonly policy: ControlPlanePolicy;
  readonly settings: { readonly trustedRuleWaitMs?: number };
}

export interface PlanTrustInput {
  readonly mode: DeploymentKind;
  readonly repository: string;
  readonly stackName: string;
  readonly stackKey: string;
  readonly stack: StackRef;
  /** When the plan was requested (ms since the epoch): the unreadable-rule wait counts from here. */
  readonly requestedAt: number;
  readonly fork?: boolean;
  readonly state: StackState | undefined;
  /** The configuration at the revision being planned, when it read. */
  readonly next?: Configuration;
}

/** Who may plan the stack and under which rule; a refusal ends the plan with its reason. */
export interface PlanTrust {
  readonly approval: ApprovalRequirement;
  readonly from: string;
  /** Lines every message about the deployment starts with (`adoption`, `policy change: ...`). */
  readonly flags: readonly string[];
  readonly refusal?: Reason;
}

/**
 * Decides trust for one plan, as a list of steps, each refusing with a named reason: forks only
 * as previews the policy allows; only stacks the policy lets the repository manage (protected
 * stacks never); a stack belongs to the repository that first planned it (a conditional write);
 * a stack Converge never deployed is adopted only when the policy allows it, and then under the
 * control-plane rule; the approval rule from trusted configuration, held to the policy, failing
 * closed when unreadable.
 *
 * @throws TrustedRuleUnreadableError while the trusted rule cannot be read and the wait bound
 * has not passed: the plan is retried.
 */
export async function planTrust(deps: PlanTrustDeps, input: PlanTrustInput): Promise<PlanTrust> {
  const { policy } = deps;
  const { repository, stackName, state } = input;
  const controlPlane = controlPlaneRequirement(policy);
  const refuse = (code: ReasonCode, message: string): PlanTrust => ({
    approval: controlPlane,
    from: 'control-plane policy',
    flags: [],
    refusal: { code, message },
  });

  // A fork is only previewed, and only when the policy allows it, with the preview role.
  if (
    input.fork &&
    (input.mode !== DeploymentKind.PREVIEW || !policy.forks.previews || !policy.forks.previewRoleArn)
  ) {
    return refuse(
      ReasonCode.FORK_NOT_ALLOWED,
      `Pull requests from forks are not planned: the control-plane policy (${policy.file}) ${policy.forks.previews ? 'names no forks.previewRoleArn' : 'does not enable forks.previews'}.`,
    );
  }

  // The policy says which stacks the repository may manage; protected stacks never.
  const permission = stackPermission(policy, repository, stackName);
  if (!permission.allowed) return refuse(ReasonCode.STACK_NOT_PERMITTED, permission.reason);

  // A stack belongs to the repository that first planned it.
  const owner = state?.owner ?? (await appliedBy(deps, state));
  if (owner && owner !== repository) {
    return refuse(
      ReasonCode.STACK_OWNED_ELSEWHERE,
      `${stackName} belongs to ${owner}, which deployed it first; ${repository} may not manage it. Use another stack name.`,
    );
  }

  // A stack that exists but that Converge never deployed is adopted only if the policy allows it.
  const live = await deps.stacks.describeStack(input.stack);
  // Converge's own stacks carry its tag, or this repository claimed them when it first planned them
  // (a creation still running may not show its tags yet).
  const adoption =
    live !== undefined &&
    !state?.lastAppliedRevision &&
    state?.owner !== repository &&
    live.tags[REPOSITORY_TAG] !== repository;
  if (adoption && !policy.adoption.allowed) {
    return refuse(
      ReasonCode.STACK_NOT_MANAGED,
      `${stackName} exists in CloudFormation but Converge never deployed it, and the control-plane policy (${policy.file}) does not allow adopting existing stacks. Use another stack name, or allow adoption in the policy.`,
    );
  }

  // The approval rule from trusted configuration, held to the policy; unreadable waits, then fails.
  let rule: Awaited<ReturnType<typeof trustedApproval>>;
  try {
    rule = await trustedApproval(deps, { ...input, policy });
  } catch (error) {
    if (!(error instanceof TrustedRuleUnreadableError)) throw error;
    // A preview never executes: it does not wait for a rule it does not use.
    if (input.mode === DeploymentKind.PREVIEW)
      return { approval: controlPlane, from: 'control-plane policy', flags: [] };
    const waited = deps.clock.now() - input.requestedAt;
    if (waited < (deps.settings.trustedRuleWaitMs ?? DEFAULT_TRUSTED_RULE_WAIT_MS)) throw error;
    return refuse(
      ReasonCode.TRUSTED_RULE_UNREADABLE,
      `${error.message.replace(/; the plan waits.*$/, '')}; gave up after ${Math.round(waited / 1000)}s. Plan again once it reads.`,
    );
  }

  // Claim the stack for the repository (deployments and reverts; a preview never claims).
  if (input.mode !== DeploymentKind.PREVIEW) {
    const claimedBy = await deps.store.claimStack(input.stackKey, repository, iso(deps.clock));
    if (claimedBy !== repository) {
      return refuse(
        ReasonCode.STACK_OWNED_ELSEWHERE,
        `${stackName} belongs to ${claimedBy}, which claimed it first; ${repository} may not manage it. Use another stack name.`,
      );
    }
  }

  if (adoption) {
    return {
      approval: controlPlane,
      from: 'control-plane policy (adoption)',
      flags: [
        `adoption: ${stackName} exists but Converge never deployed it; the control-plane approvers decide`,
      ],
    };
  }
  const flags = rule.policyChanges.length > 0 ? [`policy change: ${rule.policyChanges.join('; ')}`] : [];
  return { approval: rule.approval, from: rule.from, flags };
}

/** The repository of the deployment that last applied the stack, for stacks applied before owners were recorded. */
async function appliedBy(
  { store }: { store: Store },
  state: StackState | undefined,
): Promise<string | undefined> {
  if (!state?.lastAppliedDeploymentId) return undefined;
  return (await store.getDeployment(state.lastAppliedDeploymentId))?.repository;
}
