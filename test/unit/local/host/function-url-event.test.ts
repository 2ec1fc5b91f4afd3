import { describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../../local/host/function-url-event.ts';

const request = (overrides: Partial<Parameters<typeof functionUrlEvent>[0]> = {}) => ({
  method: 'POST',
  url: '/webhooks/github?attempt=1&attempt=2',
  headers: { 'Content-Type': 'application/json', 'X-Custom': ['a', 'b'], 'User-Agent': 'GitHub-Hookshot/1' },
  body: Buffer.from('{"ok":true}'),
  sourceIp: '127.0.0.1',
  ...overrides,
});

describe('functionUrlEvent', () => {
  it('builds a payload format 2.0 event with Function URL sentinels', () => {
    const event = functionUrlEvent(request(), {
      urlId: 'webhook',
      region: 'eu-west-1',
      now: new Date('2020-03-12T19:03:58Z'),
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/webhooks/github',
      rawQueryString: 'attempt=1&attempt=2',
      queryStringParameters: { attempt: '1,2' },
      requestContext: {
        domainName: 'webhook.lambda-url.eu-west-1.on.aws',
        http: {
          method: 'POST',
          path: '/webhooks/github',
          sourceIp: '127.0.0.1',
          userAgent: 'GitHub-Hookshot/1',
        },
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: Date.parse('2020-03-12T19:03:58Z'),
      },
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
  });

  it('lower-cases header names and joins repeated values with commas', () => {
    const event = functionUrlEvent(request(), { urlId: 'webhook', region: 'eu-west-1' });
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-custom']).toBe('a,b');
  });

  it.each([
    ['application/json', false],
    ['application/x-www-form-urlencoded', false],
    ['text/plain', false],
    ['application/octet-stream', true],
    ['', true],
  ])('passes a %s body base64-encoded: %s', (contentType, base64) => {
    const event = functionUrlEvent(request({ headers: { 'content-type': contentType } }), {
      urlId: 'approve',
      region: 'eu-west-1',
    });
    expect(event.isBase64Encoded).toBe(base64);
    const body = base64 ? Buffer.from(event.body!, 'base64').toString('utf8') : event.body;
    expect(body).toBe('{"ok":true}');
  });

  it('leaves the body out of a request without one', () => {
    const event = functionUrlEvent(request({ method: 'GET', body: Buffer.alloc(0) }), {
      urlId: 'webhook',
      region: 'eu-west-1',
    });
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });
});
