import { describe, expect, it } from 'vitest';
import { parseSlackVote } from '../../../../shared/adapters/slack/parse-slack-vote.ts';
import { SlackPayloadMalformedError } from '../../../../shared/adapters/slack/slack-request-errors.ts';
import { blockActionsPayload, formBody } from './block-actions-payload.ts';

describe('parseSlackVote', () => {
  it('reads an approve click into a vote bound to the deployment and change set', () => {
    expect(parseSlackVote(formBody(blockActionsPayload()))).toEqual({
      decision: 'approve',
      deploymentId: 'dep-01HZX',
      changeSetId: 'arn:aws:cloudformation:eu-west-1:1:changeSet/c/1',
      approver: 'slack:U0CA5',
      userId: 'U0CA5',
      teamId: 'T3MDE',
      replyTo: {
        via: 'slack',
        userId: 'U0CA5',
        channelId: 'C0CA5',
        responseUrl: 'https://hooks.slack.com/actions/T3MDE/1234567890/abcdefghijkl',
      },
      message: { channel: 'C0CA5', ts: '1732615200.000100' },
    });
  });

  it('reads a reject click', () => {
    const vote = parseSlackVote(formBody(blockActionsPayload({}, { action_id: 'reject', style: 'danger' })));
    expect(vote?.decision).toBe('reject');
  });

  it.each([
    ['a view submission', blockActionsPayload({ type: 'view_submission' })],
    ['another app button', blockActionsPayload({}, { action_id: 'open_ticket' })],
    ['a click without actions', blockActionsPayload({ actions: [] })],
  ])('ignores %s', (_case, payload) => {
    expect(parseSlackVote(formBody(payload))).toBeUndefined();
  });

  it.each([
    ['a body without a payload field', 'token=abc'],
    ['a payload that is not JSON', 'payload=%7Bnot-json'],
    ['a payload that is a JSON array', formBody([1])],
    ['a button without a value', formBody(blockActionsPayload({}, { value: undefined }))],
    [
      'a button value without the change set',
      formBody(blockActionsPayload({}, { value: '{"deploymentId":"d"}' })),
    ],
    ['a button value that is not JSON', formBody(blockActionsPayload({}, { value: 'dep-01HZX' }))],
    ['a click without a user', formBody(blockActionsPayload({ user: undefined }))],
    ['a user id that is not a Slack id', formBody(blockActionsPayload({ user: { id: 'slack:U1' } }))],
  ])('refuses %s', (_case, body) => {
    expect(() => parseSlackVote(body)).toThrow(SlackPayloadMalformedError);
  });
});
