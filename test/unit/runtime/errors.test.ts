import { describe, expect, it } from 'vitest';
import { GithubWebhookPayloadTooLargeError } from '../../../shared/adapters/github/github-webhook-errors.ts';
import { SlackTimestampStaleError } from '../../../shared/adapters/slack/slack-request-errors.ts';
import { httpErrorAnswer } from '../../../shared/runtime/errors.ts';

function typed(statusCode: number, name = 'ThingProblemError', message = 'do this next') {
  return Object.assign(new Error(message), { statusCode, name });
}

describe('httpErrorAnswer', () => {
  it.each([400, 401, 403, 404, 409, 413, 415])(
    'answers a typed error carrying %i with that status, its name and message',
    (statusCode) => {
      expect(httpErrorAnswer(typed(statusCode))).toEqual({
        statusCode,
        error: 'ThingProblemError',
        message: 'do this next',
        clientError: true,
      });
    },
  );

  it('answers the request refusals with the status and reason they carry', () => {
    expect(httpErrorAnswer(new GithubWebhookPayloadTooLargeError(10, 5))).toMatchObject({
      statusCode: 413,
      error: 'GithubWebhookPayloadTooLargeError',
      reason: 'payload-too-large',
    });
    expect(httpErrorAnswer(new SlackTimestampStaleError(400))).toMatchObject({ statusCode: 401 });
  });

  it('keeps an exposed 4xx from middy createError', () => {
    const error = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, expose: true });
    expect(httpErrorAnswer(error)).toMatchObject({ statusCode: 415, message: 'Unsupported Media Type' });
  });

  it.each([
    ['a plain Error', new Error('ECONNRESET at socket.ts:12')],
    ['a 4xx that is not to be exposed', Object.assign(typed(403), { expose: false })],
    ['a typed 503', typed(503)],
    ['a 5xx statusCode', Object.assign(new Error('upstream'), { statusCode: 502 })],
    ['a string', 'oops'],
    ['undefined', undefined],
  ])('hides %s behind a generic 500', (_, error) => {
    expect(httpErrorAnswer(error, 'r-1')).toEqual({
      statusCode: 500,
      error: 'InternalError',
      message: 'Converge could not handle the request; see the function logs for request r-1.',
      clientError: false,
    });
  });

  it('redacts a secret that slipped into a typed error message', () => {
    const answer = httpErrorAnswer(typed(400, 'X', 'bad token xoxb-1234567890-abcdefghij'));
    expect(answer.message).not.toContain('xoxb-');
  });
});
