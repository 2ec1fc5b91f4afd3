import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { logger } from '../../shared/runtime/observability.ts';
import {
  type ReceiveChatVoteDeps,
  receiveChatVote,
} from '../../shared/use-cases/approval/receive-chat-vote.ts';
import { rawBody } from '../http-body.ts';

export type ApproveHandlerDeps = ReceiveChatVoteDeps;

/**
 * Slack interactivity: an Approve or Reject click becomes a vote. Slack gets 200 at once (the
 * voter is told privately when a vote does not count); a request that did not come from Slack
 * throws and the middleware answers it with the status the error carries.
 */
export function approveHandler(deps: ApproveHandlerDeps) {
  return async function handleSlackInteraction(
    event: LambdaFunctionURLEvent,
  ): Promise<LambdaFunctionURLResult> {
    const result = await receiveChatVote(deps, { headers: event.headers ?? {}, body: rawBody(event) });
    if (result.outcome === 'refused' && result.voterNotTold) {
      logger.warn('Vote refused; the voter could not be told why', {
        code: result.code,
        reason: result.voterNotTold,
      });
    }
    return { statusCode: 200, body: '' };
  };
}
