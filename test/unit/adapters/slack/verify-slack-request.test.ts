import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SlackConfigInvalidError,
  SlackSignatureInvalidError,
  SlackSignatureMissingError,
  SlackTimestampStaleError,
} from '../../../../shared/adapters/slack/slack-request-errors.ts';
import { verifySlackRequest } from '../../../../shared/adapters/slack/verify-slack-request.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);
const TIMESTAMP = String(NOW / 1000);
const BODY = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

function signed(body = BODY, timestamp = TIMESTAMP, secret = SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

describe('verifySlackRequest', () => {
  it('accepts a request signed with the signing secret', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        timestamp: TIMESTAMP,
        signature: signed(),
        body: BODY,
        now: NOW,
      }),
    ).not.toThrow();
  });

  it.each([
    ['four minutes old', -240],
    ['four minutes ahead', 240],
    ['exactly five minutes old', -300],
  ])('accepts a timestamp %s', (_case, offset) => {
    const timestamp = String(NOW / 1000 + offset);
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        timestamp,
        signature: signed(BODY, timestamp),
        body: BODY,
        now: NOW,
      }),
    ).not.toThrow();
  });

  it.each([
    ['five minutes and a second old', -301],
    ['six minutes ahead', 360],
    ['a day old', -86_400],
  ])('refuses a correctly signed request whose timestamp is %s', (_case, offset) => {
    const timestamp = String(NOW / 1000 + offset);
    const error = (() => {
      try {
        verifySlackRequest({
          signingSecret: SECRET,
          timestamp,
          signature: signed(BODY, timestamp),
          body: BODY,
          now: NOW,
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SlackTimestampStaleError);
    expect(error).toMatchObject({ reason: 'timestamp-stale', skewSeconds: Math.abs(offset) });
  });

  it.each([
    ['the body changed', { body: `${BODY}x` }],
    ['another secret signed it', { signature: signed(BODY, TIMESTAMP, 'another-secret') }],
    ['the timestamp changed', { timestamp: String(NOW / 1000 - 1) }],
    ['the signature is truncated', { signature: signed().slice(0, -1) }],
    ['the signature lacks its version', { signature: signed().slice(3) }],
    ['the timestamp is not a number', { timestamp: '1e9' }],
  ])('refuses a request when %s', (_case, override) => {
    const input = {
      signingSecret: SECRET,
      timestamp: TIMESTAMP,
      signature: signed(),
      body: BODY,
      now: NOW,
      ...override,
    };
    expect(() => verifySlackRequest(input)).toThrow(SlackSignatureInvalidError);
  });

  it.each([
    ['X-Slack-Signature', { signature: undefined }],
    ['X-Slack-Request-Timestamp', { timestamp: undefined }],
  ])('refuses a request without %s', (header, override) => {
    const input = {
      signingSecret: SECRET,
      timestamp: TIMESTAMP,
      signature: signed(),
      body: BODY,
      now: NOW,
      ...override,
    };
    expect(() => verifySlackRequest(input)).toThrow(SlackSignatureMissingError);
    expect(() => verifySlackRequest(input)).toThrow(header);
  });

  it('keeps the secret and the expected signature out of the error', () => {
    const input = { signingSecret: SECRET, timestamp: TIMESTAMP, signature: 'v0=00', body: BODY, now: NOW };
    expect(() => verifySlackRequest(input)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(signed().slice(3)) }),
    );
    expect(() => verifySlackRequest(input)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(SECRET) }),
    );
  });

  it('refuses to run without a signing secret', () => {
    expect(() =>
      verifySlackRequest({
        signingSecret: '',
        timestamp: TIMESTAMP,
        signature: signed(),
        body: BODY,
        now: NOW,
      }),
    ).toThrow(SlackConfigInvalidError);
  });
});
