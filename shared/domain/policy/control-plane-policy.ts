import picomatch from 'picomatch';
import type { ApprovalRequirement, ApproverIdentity } from '../approval/approval.ts';
import { parseApproverIdentity } from '../approval/parse-approver-identity.ts';
import type { DeployWindow } from '../window/deploy-window.ts';

/**
 * The control-plane policy: what Converge serves and who approves what no trusted repository
 * rule covers. Trusted by construction: it is deployed with Converge (a file given to the CDK
 * app, `converge dev --policy FILE` locally) and never read from an infrastructure repository,
 * so nothing in a pushed commit can widen it. A repository's `converge.yaml` may tighten it,
 * never loosen it. Parsed by `parsePolicy`; documented in docs/policy.md.
 */
export interface ControlPlanePolicy {
  /** Where the policy was read from, for messages. */
  readonly file: string;
  /** The only repositories Converge serves; a delivery from any other is ignored with a reason. */
  readonly repositories: readonly RepositoryPolicy[];
  /**
   * Who approves first deployments, adoptions, and anything no trusted repository rule covers
   * (a repository rule with `approvers: []` means these people). Never empty in a valid policy.
   */
  readonly approvers: readonly ApproverIdentity[];
  /** One person across channels; wins over a repository's `people:`. */
  readonly people: Readonly<Record<string, readonly ApproverIdentity[]>>;
  /** Stack name globs Converge never manages, whatever a repository says. */
  readonly protectedStacks: readonly string[];
  readonly approval: {
    /** Minimum distinct human approvals for any change that needs approval; repositories may raise it. */
    readonly floor: number;
    /** The most a repository may auto-approve: `never` turns auto-approval off everywhere. */
    readonly autoApprove: ApprovalRequirement['autoApprove'];
    /** How long an approval request made under the control-plane rule stays open. */
    readonly ttlSeconds: number;
  };
  /** Stacks that exist in CloudFormation but were not created by Converge. */
  readonly adoption: {
    /** Whether such a stack may be taken over at all; then only with the control-plane approvers' approval. */
    readonly allowed: boolean;
  };
  readonly slack: {
    /** The Slack workspace (team id, `T0123…`) whose users may vote; votes from any other are refused. */
    readonly teamId?: string;
  };
  readonly forks: {
    /** Whether pull requests from forks are previewed at all (off by default). */
    readonly previews: boolean;
    /** The role fork previews are planned with: it may create change sets, never execute them. */
    readonly previewRoleArn?: string;
  };
  /** Deploy windows every stack's executions keep; a repository's windows only add to them. */
  readonly windows?: readonly DeployWindow[];
  /**
   * The accounts Converge may deploy to besides its own, each with the role it assumes there.
   * A stack that names any other account is refused.
   */
  readonly accounts: readonly TargetAccount[];
}

/** An account Converge deploys to: the role it assumes there, with the external id that role demands. */
export interface TargetAccount {
  /** 12-digit AWS account id. */
  readonly id: string;
  /** The role in that account Converge assumes (its trust policy names Converge's functions). */
  readonly roleArn: string;
  /** STS `ExternalId`; the role's trust policy requires it (`sts:ExternalId` condition). */
  readonly externalId: string;
  /**
   * The CloudFormation service role in that account that stacks there run with, unless their
   * converge.yaml names one (`roleArn`); without either, CloudFormation acts with the assumed role.
   */
  readonly serviceRoleArn?: string;
}

/** One served repository: the branches that deploy and the stacks it may manage. */
export interface RepositoryPolicy {
  /** `owner/name`, as GitHub spells it (compared case-insensitively). */
  readonly name: string;
  /** Branch names (globs) whose pushes deploy. */
  readonly branches: readonly string[];
  /** Stack name globs this repository may manage. */
  readonly stacks: readonly string[];
}

/** The policy's entry for a repository, or `undefined` when Converge does not serve it. */
export function repositoryPolicy(
  policy: ControlPlanePolicy,
  repository: string,
): RepositoryPolicy | undefined {
  const wanted = repository.toLowerCase();
  return policy.repositories.find((entry) => entry.name.toLowerCase() === wanted);
}

/**
 * Whether a push to `ref` (`refs/heads/<branch>`) of `repository` deploys: only branches the
 * policy lists for a served repository do.
 */
export function isTrackedBranch(policy: ControlPlanePolicy, repository: string, ref: string): boolean {
  const entry = repositoryPolicy(policy, repository);
  if (!entry || !ref.startsWith('refs/heads/')) return false;
  return matchesAny(ref.slice('refs/heads/'.length), entry.branches);
}

/** Whether a stack name is protected (never managed by Converge). */
export function isProtectedStack(policy: ControlPlanePolicy, stackName: string): boolean {
  return matchesAny(stackName, policy.protectedStacks);
}

/**
 * Whether `repository` may manage `stackName`, and if not, why (shown to the people who pushed).
 *
 * @example
 * stackPermission(policy, 'acme/infra', 'CDKToolkit');
 * // { allowed: false, reason: 'CDKToolkit is protected by the control-plane policy ...' }
 */
export function stackPermission(
  policy: ControlPlanePolicy,
  repository: string,
  stackName: string,
): { readonly allowed: true } | { readonly allowed: false; readonly reason: string } {
  if (isProtectedStack(policy, stackName)) {
    return {
      allowed: false,
      reason: `${stackName} is protected by the control-plane policy (${policy.file}); Converge never manages it.`,
    };
  }
  const entry = repositoryPolicy(policy, repository);
  if (!entry) {
    return { allowed: false, reason: `${repository} is not a repository the control-plane policy serves.` };
  }
  if (!matchesAny(stackName, entry.stacks)) {
    return {
      allowed: false,
      reason: `${repository} may manage stacks matching ${entry.stacks.join(', ')} (control-plane policy ${policy.file}); ${stackName} is not one of them.`,
    };
  }
  return { allowed: true };
}

/** The policy's entry for a target account, or `undefined` when the policy does not list it. */
export function targetAccount(policy: ControlPlanePolicy, account: string): TargetAccount | undefined {
  return policy.accounts.find((entry) => entry.id === account);
}

/**
 * Whether Converge may deploy to `account`: a stack without one lands in Converge's own account;
 * one that names an account needs it in the policy's `accounts`.
 */
export function accountPermission(
  policy: ControlPlanePolicy,
  stackName: string,
  account: string | undefined,
): { readonly allowed: true } | { readonly allowed: false; readonly reason: string } {
  if (account === undefined || targetAccount(policy, account)) return { allowed: true };
  const listed = policy.accounts.map((entry) => entry.id);
  return {
    allowed: false,
    reason: `${stackName} targets account ${account}, which the control-plane policy (${policy.file}) does not list under accounts (${listed.length > 0 ? `it lists ${listed.join(', ')}` : 'it lists none'}); Converge never deploys there. Add the account and its role to the policy, or remove "account" from the stack.`,
  };
}

/**
 * The approval rule for what no trusted repository rule covers (first deployments, adoptions):
 * the control-plane approvers, at least the floor (and at least one), never auto-approved.
 */
export function controlPlaneRequirement(policy: ControlPlanePolicy): ApprovalRequirement {
  return {
    required: Math.max(1, policy.approval.floor),
    approvers: policy.approvers,
    allowSelfApproval: false,
    autoApprove: 'never',
    ttlSeconds: policy.approval.ttlSeconds,
    people: policy.people,
  };
}

const AUTO_APPROVE_STRICTNESS: Readonly<Record<ApprovalRequirement['autoApprove'], number>> = {
  always: 0,
  safe: 1,
  never: 2,
};

/**
 * A trusted repository rule, held to the policy: at least the floor of approvals, auto-approval
 * no looser than the policy allows, `approvers: []` meaning the control-plane approvers, and
 * the policy's `people:` winning over the repository's for identities both name.
 */
export function holdToPolicy(policy: ControlPlanePolicy, rule: ApprovalRequirement): ApprovalRequirement {
  const autoApprove =
    AUTO_APPROVE_STRICTNESS[rule.autoApprove] >= AUTO_APPROVE_STRICTNESS[policy.approval.autoApprove]
      ? rule.autoApprove
      : policy.approval.autoApprove;
  return {
    ...rule,
    required: Math.max(rule.required, policy.approval.floor),
    approvers: rule.approvers.length > 0 ? rule.approvers : policy.approvers,
    autoApprove,
    people: mergePeople(policy.people, rule.people),
  };
}

/**
 * The stricter of two rules: more approvals, the stricter auto-approval, the shorter window,
 * self-approval only if both allow it, and approvers only those both accept (an empty list on
 * either side defers to the other).
 */
export function stricterRequirement(a: ApprovalRequirement, b: ApprovalRequirement): ApprovalRequirement {
  const approvers =
    a.approvers.length === 0
      ? b.approvers
      : b.approvers.length === 0
        ? a.approvers
        : a.approvers.filter((identity) => b.approvers.includes(identity));
  return {
    required: Math.max(a.required, b.required),
    approvers,
    allowSelfApproval: a.allowSelfApproval && b.allowSelfApproval,
    autoApprove:
      AUTO_APPROVE_STRICTNESS[a.autoApprove] >= AUTO_APPROVE_STRICTNESS[b.autoApprove]
        ? a.autoApprove
        : b.autoApprove,
    ttlSeconds: Math.min(a.ttlSeconds, b.ttlSeconds),
    people: a.people ?? b.people,
  };
}

/**
 * People from the policy first: an identity the policy assigns to a person stays with that
 * person; a repository may only add identities the policy does not name.
 */
function mergePeople(
  policy: Readonly<Record<string, readonly string[]>>,
  repository: Readonly<Record<string, readonly string[]>> | undefined,
): Readonly<Record<string, readonly string[]>> {
  const normal = (identity: string) => {
    const parsed = parseApproverIdentity(identity);
    return parsed.ok ? parsed.identity : identity;
  };
  const claimed = new Set(Object.values(policy).flat().map(normal));
  const merged: Record<string, string[]> = {};
  for (const [name, identities] of Object.entries(repository ?? {})) {
    const free = identities.map(normal).filter((identity) => !claimed.has(identity));
    if (free.length > 0) merged[`repo:${name}`] = free;
  }
  for (const [name, identities] of Object.entries(policy)) merged[name] = [...identities];
  return merged;
}

function matchesAny(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => picomatch.isMatch(value, glob, { dot: true }));
}
