/** Why a vote did not count. Each comes with a message that tells the voter what to do next. */
export const VoteRefusal = {
  /** The voter is not in the stack's approver list. */
  UNKNOWN_APPROVER: 'UnknownApprover',
  /** The voter wrote the change, and the policy does not allow self-approval. */
  SELF_APPROVAL: 'SelfApproval',
  /** The same person (under any of their identities) already voted on this change set. */
  DUPLICATE_VOTE: 'DuplicateVote',
  /** The approval window closed (`now >= expiresAt`), whether or not the record still exists. */
  EXPIRED: 'Expired',
  /** The deployment is planning, approved or executing: there is nothing to vote on. */
  NOT_AWAITING_APPROVAL: 'NotAwaitingApproval',
  /** A newer revision replaced the deployment. */
  SUPERSEDED: 'Superseded',
  /** The deployment already ended. */
  FINISHED: 'Finished',
  /** The vote names another change set than the one the deployment waits on. */
  CHANGE_SET_MISMATCH: 'ChangeSetMismatch',
  /** The vote names another deployment. */
  DEPLOYMENT_MISMATCH: 'DeploymentMismatch',
  /** The voter's identity is not one Converge can read. */
  INVALID_IDENTITY: 'InvalidIdentity',
} as const;
export type VoteRefusal = (typeof VoteRefusal)[keyof typeof VoteRefusal];
