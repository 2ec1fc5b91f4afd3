import { describe, expect, it } from 'vitest';
import { signedSlackClick } from '../../../../local/host/signed-slack-click.ts';
import { parseSlackVote } from '../../../../shared/adapters/slack/parse-slack-vote.ts';
import { verifySlackRequest } from '../../../../shared/adapters/slack/verify-slack-request.ts';

const NOW = new Date('2026-11-26T10:00:00Z');
const click = signedSlackClick({
  decision: 'approve',
  deploymentId: 'dep-1',
  changeSetId: 'arn:aws:cloudformation:us-east-1:000000000000:changeSet/converge-1/abc',
  userId: 'U0LOCAL',
  message: { channel: 'C0LOCAL', ts: '1732615200.000100' },
  signingSecret: 'local-secret',
  timestamp: Math.floor(NOW.getTime() / 1000),
});

describe('signedSlackClick', () => {
  it('is accepted by the approve function’s Slack verification', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: 'local-secret',
        timestamp: click.headers['x-slack-request-timestamp'],
        signature: click.headers['x-slack-signature'],
        body: click.body,
        now: NOW.getTime(),
      }),
    ).not.toThrow();
  });

  it('is refused under another signing secret', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: 'other-secret',
        timestamp: click.headers['x-slack-request-timestamp'],
        signature: click.headers['x-slack-signature'],
        body: click.body,
        now: NOW.getTime(),
      }),
    ).toThrow(/signature/i);
  });

  it('reads back as a vote bound to the deployment, change set and message', () => {
    expect(parseSlackVote(click.body)).toMatchObject({
      decision: 'approve',
      deploymentId: 'dep-1',
      changeSetId: 'arn:aws:cloudformation:us-east-1:000000000000:changeSet/converge-1/abc',
      approver: 'slack:U0LOCAL',
      message: { channel: 'C0LOCAL', ts: '1732615200.000100' },
    });
  });
});
