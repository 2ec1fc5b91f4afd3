import type { ApproverIdentity } from '../domain/approval/approval.ts';
import type { VoterReplyTarget } from './notifier.ts';
import type { WebhookRequest } from './webhook.ts';

/** A click on Approve or Reject in chat, bound to the deployment and change set the message showed. */
export interface ChatVote {
  readonly decision: 'approve' | 'reject';
  readonly deploymentId: string;
  readonly changeSetId: string;
  /** `slack:<user id>`: who clicked. */
  readonly approver: ApproverIdentity;
  /** The workspace the click came from, as the signed payload says. */
  readonly teamId?: string;
  /** Where to answer the voter privately (e.g. with a refusal reason). */
  readonly replyTo: VoterReplyTarget;
}

/**
 * Verifies an interactivity request (signature and timestamp) and reads the vote in it;
 * `undefined` for interactions that are not a Converge vote. Throws a `RequestRejectedError`
 * for a request to refuse. Adapter: `adapters/slack` (`verifySlackRequest` + `parseSlackVote`).
 */
export type ReadChatVote = (request: WebhookRequest) => Promise<ChatVote | undefined>;
