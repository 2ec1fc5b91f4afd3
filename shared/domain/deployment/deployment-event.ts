import type { ChangeSetRef, Reason } from './deployment.ts';

/** The names of the events that move a deployment between statuses (see `transitions.ts`). */
export const DeploymentEventType = {
  /** The change set came back empty: the stack already matches the revision. */
  PLAN_EMPTY: 'PLAN_EMPTY',
  /** The change set could not be created (template invalid, missing capability, ...). */
  PLAN_FAILED: 'PLAN_FAILED',
  /** Policy asks a person to approve the change set. */
  APPROVAL_REQUIRED: 'APPROVAL_REQUIRED',
  /** Policy lets the change set through without a person. */
  AUTO_APPROVED: 'AUTO_APPROVED',
  /** Enough distinct allowed approvers approved the change set. */
  QUORUM_REACHED: 'QUORUM_REACHED',
  /** An allowed approver rejected the change set. */
  REJECTED: 'REJECTED',
  /** Nobody approved before `expiresAt`. */
  EXPIRED: 'EXPIRED',
  /** A newer revision of the same stack was planned. */
  SUPERSEDED: 'SUPERSEDED',
  /** A dependency's deployment at the same revision has not finished: planning waits for it. */
  DEPENDENCIES_PENDING: 'DEPENDENCIES_PENDING',
  /** Every dependency succeeded (or had nothing to change): planning goes on. */
  DEPENDENCIES_MET: 'DEPENDENCIES_MET',
  /** ExecuteChangeSet was accepted by CloudFormation. */
  EXECUTION_STARTED: 'EXECUTION_STARTED',
  /** The stack reached UPDATE_COMPLETE / CREATE_COMPLETE / IMPORT_COMPLETE. */
  EXECUTION_SUCCEEDED: 'EXECUTION_SUCCEEDED',
  /** The execution failed (usually rolled back), or ExecuteChangeSet was refused. */
  EXECUTION_FAILED: 'EXECUTION_FAILED',
} as const;
export type DeploymentEventType = (typeof DeploymentEventType)[keyof typeof DeploymentEventType];

/**
 * Something that happened to a deployment, with the data its transition writes. Events carry
 * no timestamps: the caller passes `now` to `nextStatus`, so the rules never read a clock.
 *
 * @example
 * ```ts
 * const event: DeploymentEvent = {
 *   type: 'APPROVAL_REQUIRED',
 *   changeSet: { id: changeSetArn, name: 'converge-4f2a9c1', summary },
 *   expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
 * };
 * ```
 */
export type DeploymentEvent =
  | { readonly type: 'PLAN_EMPTY'; readonly changeSet?: ChangeSetRef }
  | { readonly type: 'PLAN_FAILED'; readonly reason: Reason }
  | { readonly type: 'APPROVAL_REQUIRED'; readonly changeSet: ChangeSetRef; readonly expiresAt: string }
  | { readonly type: 'AUTO_APPROVED'; readonly changeSet: ChangeSetRef }
  | { readonly type: 'QUORUM_REACHED' }
  | { readonly type: 'REJECTED'; readonly reason?: Reason }
  | { readonly type: 'EXPIRED' }
  | {
      readonly type: 'SUPERSEDED';
      /** The newer deployment that replaces this one, named in the reason. */
      readonly by?: { readonly deploymentId: string; readonly revision: string };
      /** Why, when it says more than "a newer revision" (a stale revision, say). */
      readonly reason?: Reason;
    }
  | { readonly type: 'DEPENDENCIES_PENDING'; readonly waitingFor: readonly string[] }
  | { readonly type: 'DEPENDENCIES_MET' }
  | { readonly type: 'EXECUTION_STARTED' }
  | { readonly type: 'EXECUTION_SUCCEEDED' }
  | { readonly type: 'EXECUTION_FAILED'; readonly reason: Reason };
