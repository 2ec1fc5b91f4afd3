import { describe, expect, it } from 'vitest';
import { ErrorKind, httpErrorAnswer } from '../../../shared/runtime/errors.ts';

function typed(kind: string, name = 'ThingProblemError', message = 'do this next') {
  return Object.assign(new Error(message), { kind, name });
}

describe('httpErrorAnswer', () => {
  it.each([
    [ErrorKind.INVALID_INPUT, 400],
    [ErrorKind.UNAUTHORIZED, 401],
    [ErrorKind.FORBIDDEN, 403],
    [ErrorKind.NOT_FOUND, 404],
    [ErrorKind.CONFLICT, 409],
    [ErrorKind.TOO_LARGE, 413],
    [ErrorKind.UNSUPPORTED_MEDIA_TYPE, 415],
    [ErrorKind.UNAVAILABLE, 503],
  ])('maps kind %s to %i with the error name and message', (kind, statusCode) => {
    expect(httpErrorAnswer(typed(kind))).toEqual({
      statusCode,
      error: 'ThingProblemError',
      message: 'do this next',
      clientError: statusCode < 500,
    });
  });

  it('keeps an exposed 4xx from middy createError', () => {
    const error = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, expose: true });
    expect(httpErrorAnswer(error)).toMatchObject({ statusCode: 415, message: 'Unsupported Media Type' });
  });

  it.each([
    ['a plain Error', new Error('ECONNRESET at socket.ts:12')],
    ['an unknown kind', typed('weird')],
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
    const answer = httpErrorAnswer(
      typed(ErrorKind.INVALID_INPUT, 'X', 'bad token xoxb-1234567890-abcdefghij'),
    );
    expect(answer.message).not.toContain('xoxb-');
  });
});
