import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import {
  GithubWebhookConfigInvalidError,
  GithubWebhookHeaderInvalidError,
  GithubWebhookPayloadMalformedError,
  GithubWebhookPayloadTooLargeError,
  GithubWebhookSignatureInvalidError,
  GithubWebhookSignatureMissingError,
} from '../../../../shared/adapters/github/github-webhook-errors.ts';
import {
  GITHUB_WEBHOOK_MAX_BYTES,
  verifyGithubWebhook,
} from '../../../../shared/adapters/github/verify-github-webhook.ts';
import { recordedPayload } from './recorded-payload.ts';

const SECRET = 'converge-test-secret';
const OLD_SECRET = 'converge-previous-secret';
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

const recorded = recordedPayload;

async function delivery(eventName: string, body: string, secret = SECRET) {
  return {
    body,
    headers: {
      'X-Hub-Signature-256': await sign(secret, body),
      'X-GitHub-Event': eventName,
      'X-GitHub-Delivery': DELIVERY,
      'X-GitHub-Hook-ID': '292430182',
    },
  };
}

describe('verifyGithubWebhook', () => {
  it.each(['push', 'pull_request', 'pull_request_review', 'issue_comment'])(
    'accepts a recorded %s delivery and narrows it by name',
    async (name) => {
      const event = await verifyGithubWebhook({ secrets: SECRET, ...(await delivery(name, recorded(name))) });
      expect(event.name).toBe(name);
      expect(event.deliveryId).toBe(DELIVERY);
      expect(event.hookId).toBe('292430182');
    },
  );

  it('gives a push its ref, head revision and repository', async () => {
    const event = await verifyGithubWebhook({
      secrets: SECRET,
      ...(await delivery('push', recorded('push'))),
    });
    if (event.name !== 'push') throw new Error(`expected push, got ${event.name}`);
    const expected = JSON.parse(recorded('push'));
    expect(event.payload.after).toBe(expected.after);
    expect(event.payload.ref).toBe(expected.ref);
    expect(event.payload.repository.full_name).toBe('Codertocat/Hello-World');
  });

  it('accepts a ping', async () => {
    const event = await verifyGithubWebhook({
      secrets: SECRET,
      ...(await delivery('ping', recorded('ping'))),
    });
    expect(event.name).toBe('ping');
  });

  it('keeps the name of an event Converge does not act on', async () => {
    const event = await verifyGithubWebhook({
      secrets: SECRET,
      ...(await delivery('star', recorded('star'))),
    });
    expect(event).toMatchObject({ name: 'unknown', eventName: 'star' });
  });

  it('accepts a delivery signed with the previous secret during a rotation', async () => {
    const request = await delivery('push', recorded('push'), OLD_SECRET);
    const event = await verifyGithubWebhook({ secrets: [SECRET, OLD_SECRET], ...request });
    expect(event.name).toBe('push');
  });

  it('refuses a delivery signed with a secret that is no longer accepted', async () => {
    const request = await delivery('push', recorded('push'), OLD_SECRET);
    await expect(verifyGithubWebhook({ secrets: [SECRET], ...request })).rejects.toBeInstanceOf(
      GithubWebhookSignatureInvalidError,
    );
  });

  it('matches header names regardless of case', async () => {
    const request = await delivery('push', recorded('push'));
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    await expect(
      verifyGithubWebhook({ secrets: SECRET, body: request.body, headers }),
    ).resolves.toMatchObject({
      name: 'push',
    });
  });

  it('refuses a delivery without a signature', async () => {
    const request = await delivery('push', recorded('push'));
    const { 'X-Hub-Signature-256': _dropped, ...headers } = request.headers;
    await expect(
      verifyGithubWebhook({ secrets: SECRET, body: request.body, headers }),
    ).rejects.toBeInstanceOf(GithubWebhookSignatureMissingError);
  });

  it.each([
    [
      'a body changed after signing',
      (body: string) => body.replace('Hello-World', 'Hello-Wor1d'),
      (s: string) => s,
    ],
    ['a signature of the wrong form', (body: string) => body, () => 'sha1=0123456789abcdef'],
    ['a truncated signature', (body: string) => body, (s: string) => s.slice(0, -2)],
    ['an upper-case signature', (body: string) => body, (s: string) => s.toUpperCase()],
  ])('refuses %s', async (_case, changeBody, changeSignature) => {
    const request = await delivery('push', recorded('push'));
    const headers = {
      ...request.headers,
      'X-Hub-Signature-256': changeSignature(request.headers['X-Hub-Signature-256']),
    };
    const error = await verifyGithubWebhook({
      secrets: SECRET,
      body: changeBody(request.body),
      headers,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubWebhookSignatureInvalidError);
    expect(error).toMatchObject({ reason: 'signature-invalid' });
  });

  it('never puts the secret or the signature in the error message', async () => {
    const request = await delivery('push', recorded('push'), 'some-other-secret');
    const error = (await verifyGithubWebhook({ secrets: SECRET, ...request }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(request.headers['X-Hub-Signature-256'].slice(7));
  });

  it("refuses a body over GitHub's 25 MB cap before checking its signature", async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(GITHUB_WEBHOOK_MAX_BYTES) });
    const error = await verifyGithubWebhook({ secrets: SECRET, body, headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubWebhookPayloadTooLargeError);
    expect(error).toMatchObject({ reason: 'payload-too-large', limit: 26_214_400 });
  });

  it.each([
    ['not JSON', 'payload=%7B%7D'],
    ['a JSON array', '[]'],
    [
      'a push without its head revision',
      JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'a/b' } }),
    ],
  ])('refuses a signed body that is %s', async (_case, body) => {
    const request = await delivery('push', body);
    await expect(verifyGithubWebhook({ secrets: SECRET, ...request })).rejects.toBeInstanceOf(
      GithubWebhookPayloadMalformedError,
    );
  });

  it.each([
    ['X-GitHub-Event', { 'X-GitHub-Event': undefined }],
    ['X-GitHub-Event', { 'X-GitHub-Event': 'push; rm -rf' }],
    ['X-GitHub-Delivery', { 'X-GitHub-Delivery': '' }],
    ['X-GitHub-Delivery', { 'X-GitHub-Delivery': '../../etc' }],
  ])('refuses a signed delivery with a bad %s header', async (header, override) => {
    const request = await delivery('push', recorded('push'));
    const error = await verifyGithubWebhook({
      secrets: SECRET,
      body: request.body,
      headers: { ...request.headers, ...override },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GithubWebhookHeaderInvalidError);
    expect(error).toMatchObject({ header });
  });

  it.each([[[]], [['']], ['']])('refuses to run without a secret (%j)', async (secrets) => {
    const request = await delivery('push', recorded('push'));
    await expect(verifyGithubWebhook({ secrets, ...request })).rejects.toBeInstanceOf(
      GithubWebhookConfigInvalidError,
    );
  });
});
