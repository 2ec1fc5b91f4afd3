import type { ApprovalRequirement } from '../../domain/approval/approval.ts';
import type { Configuration } from '../../domain/config/stack-config.ts';
import { DeploymentKind, type Reason, type StackRef } from '../../domain/deployment/deployment.ts';
import { ReasonCode } from '../../domain/deployment/reason-code.ts';
import {
  accountPermission,
  type ControlPlanePolicy,
  controlPlaneRequirement,
  stackPermission,
} from '../../domain/policy/control-plane-policy.ts';
import { ManagedStackTag } from '../../domain/stack/managed-stack-tags.ts';
import { iso } from '../../domain/time.ts';
import type { DeployWindow, WindowLayer } from '../../domain/window/deploy-window.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Source } from '../../ports/source.ts';
import { type Stacks, TargetAccountRefusedError } from '../../ports/stacks.ts';
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
  /** The deploy windows the deployment's execution keeps: the policy's, then the trusted converge.yaml's. */
  readonly windows?: readonly WindowLayer[];
  /** The stack's `terminationProtection` in the trusted (last applied) converge.yaml, when it states one. */
  readonly appliedTerminationProtection?: boolean;
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

  // Converge deploys only to its own account and the accounts the policy lists.
  const account = accountPermission(policy, stackName, input.stack.account);
  if (!account.allowed) return refuse(ReasonCode.ACCOUNT_NOT_PERMITTED, account.reason);
  // The preview role that keeps a fork's change set from running lives in Converge's own account.
  if (input.fork && input.stack.account !== undefined) {
    return refuse(
      ReasonCode.FORK_NOT_ALLOWED,
      `Pull requests from forks are not planned for ${stackName}: it lives in account ${input.stack.account}, and fork previews run only in Converge's own account, under the preview role.`,
    );
  }

  // A stack belongs to the repository that first planned it.
  const owner = state?.owner ?? (await appliedBy(deps, state));
  if (owner && owner !== repository) {
    return refuse(
      ReasonCode.STACK_OWNED_ELSEWHERE,
      `${stackName} belongs to ${owner}, which deployed it first; ${repository} may not manage it. Use another stack name.`,
    );
  }

  // A stack that exists but that Converge never deployed is adopted only if the policy allows it.
  // (In a target account this is the first call there: a role that refuses Converge ends the plan.)
  let live: Awaited<ReturnType<Stacks['describeStack']>>;
  try {
    live = await deps.stacks.describeStack(input.stack);
  } catch (error) {
    if (error instanceof TargetAccountRefusedError) return refuse(ReasonCode.ACCESS_DENIED, error.message);
    throw error;
  }
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

  // The windows executions keep: the policy's always, the trusted converge.yaml's on top.
  const windows = windowLayers(policy, adoption ? undefined : rule);
  if (adoption) {
    return {
      windows,
      approval: controlPlane,
      from: 'control-plane policy (adoption)',
      flags: [
        `adoption: ${stackName} exists but Converge never deployed it; the control-plane approvers decide`,
      ],
    };
  }
  const flags = rule.policyChanges.length > 0 ? [`policy change: ${rule.policyChanges.join('; ')}`] : [];
  return {
    approval: rule.approval,
    from: rule.from,
    flags,
    windows,
    ...(rule.terminationProtection !== undefined
      ? { appliedTerminationProtection: rule.terminationProtection }
      : {}),
  };
}

/** The non-empty window layers: the policy's, and the trusted rule's (a repository only adds to them). */
function windowLayers(
  policy: ControlPlanePolicy,
  rule: { readonly from: string; readonly windows?: readonly DeployWindow[] } | undefined,
): readonly WindowLayer[] {
  const layers: WindowLayer[] = [];
  if (policy.windows?.length) layers.push({ from: 'control-plane policy', windows: policy.windows });
  if (rule?.windows?.length)
    layers.push({ from: rule.from.replace(/ \(policy change\)$/, ''), windows: rule.windows });
  return layers;
}

/** The repository of the deployment that last applied the stack, for stacks applied before owners were recorded. */
async function appliedBy(
  { store }: { store: Store },
  state: StackState | undefined,
): Promise<string | undefined> {
  if (!state?.lastAppliedDeploymentId) return undefined;
  return (await store.getDeployment(state.lastAppliedDeploymentId))?.repository;
}
