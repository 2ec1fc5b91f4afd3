import type { ApprovalRequirement } from '../approval/approval.ts';
import type { ChangeSetSummary } from '../change-set/change-set-summary.ts';
import type { WindowLayer } from '../window/deploy-window.ts';
import type { DeploymentStatus } from './deployment-status.ts';
import type { ReasonCode } from './reason-code.ts';

/**
 * What a deployment does: roll a revision out, preview a pull request, revert drift, or delete a
 * stack removed from converge.yaml with `onRemove: delete` (its "change set" is the stack itself:
 * every resource removed, executed with DeleteStack).
 */
export const DeploymentKind = {
  DEPLOY: 'deploy',
  PREVIEW: 'preview',
  REVERT_DRIFT: 'revert-drift',
  DELETE: 'delete',
} as const;
export type DeploymentKind = (typeof DeploymentKind)[keyof typeof DeploymentKind];

/**
 * Where a stack lives. `key` is the stable identity used for locks, ordering and
 * FIFO message groups: `<account or "default">/<region>/<stackName>`.
 */
export interface StackRef {
  readonly stackName: string;
  readonly region: string;
  /**
   * The AWS account the stack lives in, as converge.yaml names it; absent for Converge's own
   * account (where every stack without `account:` lands, under the key `default/...`).
   */
  readonly account?: string;
  /** Role CloudFormation or Converge assumes for this stack (cross-account targets). */
  readonly roleArn?: string;
}

/** Why a deployment ended the way it did: a named code plus a message a person can act on. */
export interface Reason {
  readonly code: ReasonCode;
  readonly message: string;
  /** Failing resources and their status reasons, when CloudFormation reported any. */
  readonly details?: readonly { logicalId: string; status: string; reason: string }[];
}

/** The change set a deployment created, with what it would change. */
export interface ChangeSetRef {
  readonly id: string;
  readonly name: string;
  readonly summary?: ChangeSetSummary;
}

/**
 * One attempt to bring one stack to one revision. Only the transition table in
 * `transitions.ts` changes `status`; the store writes it conditionally on the current one.
 */
export interface Deployment {
  readonly id: string;
  readonly kind: DeploymentKind;
  readonly stack: StackRef;
  /** `stackKey(stack)`: identity for locks, ordering and queues. */
  readonly stackKey: string;
  /** `owner/name` of the infrastructure repository. */
  readonly repository: string;
  /** The commit SHA being deployed. */
  readonly revision: string;
  /** Who wrote the change (github login or commit author), who may not approve it. */
  readonly author?: string;
  /**
   * Everyone the change is attributed to from authenticated sources (the pusher, the pull
   * request's author, the authors of the commits a merge brings in), as approver identities or
   * GitHub logins: none of them may approve it unless self-approval is allowed.
   */
  readonly authors?: readonly string[];
  /** When the revision was committed (ISO 8601), for lead-time metrics. */
  readonly committedAt?: string;
  readonly pullRequest?: number;
  readonly status: DeploymentStatus;
  readonly reason?: Reason;
  readonly changeSet?: ChangeSetRef;
  /** The approval rule that gates this deployment, taken from trusted configuration. */
  readonly approval?: ApprovalRequirement;
  /**
   * Set when the revision neither descends from nor precedes, in Git history, a revision the
   * stack has applied or was about to apply (`from`): its history was rewritten (a force push).
   * Such a deployment always waits for a person, whatever the approval rule says, and every
   * message about it says so.
   */
  readonly historyRewritten?: { readonly from: string };
  /**
   * The deploy windows its execution keeps, from trusted sources when it was planned (the
   * control-plane policy, the stack's last applied converge.yaml): approved outside them, it waits.
   */
  readonly windows?: readonly WindowLayer[];
  /**
   * The termination protection the stack gets once it succeeds: on or off as `terminationProtection`
   * at its revision says, off when the key was removed after Converge had turned it on; absent, left as is.
   */
  readonly terminationProtection?: boolean;
  /**
   * The stacks (names) whose deployments at the same revision this one waits for before it is
   * planned (AWAITING_DEPENDENCIES); kept afterwards so messages show the chain.
   */
  readonly waitingFor?: readonly string[];
  /** After this instant (ISO 8601) an unapproved deployment is EXPIRED. */
  readonly expiresAt?: string;
  /**
   * Where each notifier put its message about this deployment (Slack channel and ts, GitHub
   * check run and comment ids), so that a later, stateless invocation edits it in place.
   * Written from what `Notifier.deploymentChanged` returns; opaque to the domain.
   */
  readonly notifications?: NotificationRefs;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Monotonic per-write counter, for optimistic concurrency on non-status updates. */
  readonly version: number;
}

/**
 * Per-notifier references, keyed by notifier name (`slack`, `github`): string fields only, so
 * that every store keeps them as they are.
 */
export type NotificationRefs = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The stable identity of a stack across the system. */
export function stackKey(stack: Pick<StackRef, 'stackName' | 'region'> & { account?: string }): string {
  return `${stack.account ?? 'default'}/${stack.region}/${stack.stackName}`;
}
