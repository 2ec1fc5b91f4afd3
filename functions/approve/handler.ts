import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { parseSlackVote } from '../../shared/adapters/slack/parse-slack-vote.ts';
import {
  SlackPayloadMalformedError,
  SlackRequestRejectedError,
} from '../../shared/adapters/slack/slack-request-errors.ts';
import type { VoterReplies } from '../../shared/ports/notifier.ts';
import { deps } from '../../shared/runtime/deps.ts';
import { standardMiddleware } from '../../shared/runtime/middleware.ts';
import { type DecideApprovalDeps, decideApproval } from '../../shared/use-cases/decide-approval.ts';
import { json, rawBody } from '../http-body.ts';

export interface ApproveHandlerDeps extends DecideApprovalDeps {
  /** Verifies the request came from Slack (signature and timestamp); throws SlackRequestRejectedError. */
  readonly verifySlackRequest: (request: {
    headers: Readonly<Record<string, string | undefined>>;
    body: string;
  }) => Promise<void>;
  readonly voterReplies: VoterReplies;
}

/**
 * Slack interactivity: an Approve or Reject click becomes a vote. Slack gets 200 at once; a vote
 * that does not count is explained to the voter privately, and the approval message is updated
 * by the notifier when it does.
 */
export function approveHandler(deps: ApproveHandlerDeps) {
  return async function handleSlackInteraction(
    event: LambdaFunctionURLEvent,
  ): Promise<LambdaFunctionURLResult> {
    const body = rawBody(event);
    const headers = lowerCase(event.headers ?? {});

    // Verify the request came from Slack, then read the click.
    let vote: ReturnType<typeof parseSlackVote>;
    try {
      await deps.verifySlackRequest({ headers, body });
      vote = parseSlackVote(body);
    } catch (error) {
      if (error instanceof SlackPayloadMalformedError)
        return json(400, { error: 'invalid-input', message: error.message });
      if (error instanceof SlackRequestRejectedError)
        return json(401, { error: 'unauthorized', message: error.message });
      throw error;
    }
    if (!vote) return { statusCode: 200, body: '' };

    // Count the vote; explain a refusal to the voter only.
    const result = await decideApproval(deps, {
      deploymentId: vote.deploymentId,
      changeSetId: vote.changeSetId,
      approver: vote.approver,
      decision: vote.decision,
      via: 'slack',
    });
    if (result.outcome === 'refused') await deps.voterReplies.replyToVoter(vote.replyTo, result.message);
    return { statusCode: 200, body: '' };
  };
}

function lowerCase(
  headers: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

export const handler = middy(approveHandler(deps())).use(
  standardMiddleware({ functionName: 'approve', http: true }),
);
