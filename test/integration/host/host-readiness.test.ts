import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../../../local/host/start-host.ts';
import { createGitRepo, type GitRepo } from '../../support/git-repo.ts';

/** A port nothing listens on now, for a host whose address the test must know before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('the local host while it starts', () => {
  const printed: string[] = [];
  let host: Host | undefined;
  let repo: GitRepo | undefined;
  afterAll(async () => {
    await host?.stop();
    await repo?.remove();
  });

  it('never answers 404 to a webhook: 503 with Retry-After until its functions are loaded, then serves', async () => {
    repo = await createGitRepo();
    const port = await freePort();
    const starting = startHost({
      port,
      repositories: { 'acme/infra': repo.dir },
      secrets: { webhookSecret: 'w', slackSigningSecret: 's', slackBotToken: 'xoxb-t', githubToken: 'g' },
      scheduleEveryMs: 0,
      eventsToken: 'the-run-token',
      logLevel: 'CRITICAL',
      print: (text) => printed.push(text),
      log: () => undefined,
    });
    let done = false;
    void starting.then(() => {
      done = true;
    });
    const answers: { health: number; webhook: number; retryAfter: string | null }[] = [];
    // Knock on the door until the host says it is ready; every answer before that is recorded.
    while (!done || answers.at(-1)?.health !== 200) {
      const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (health) {
        const webhook = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
          method: 'POST',
          body: '{}',
        });
        answers.push({
          health: health.status,
          webhook: webhook.status,
          retryAfter: health.headers.get('retry-after'),
        });
        if (health.status === 200) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    host = await starting;
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers.slice(0, -1)) {
      expect(answer.health).toBe(503);
      expect(answer.retryAfter).toBe('1');
      // 503 while loading; the function's own answer (401: unsigned) if it became ready in between.
      expect([503, 401]).toContain(answer.webhook);
    }
    expect(answers.some((answer) => answer.webhook === 404)).toBe(false);
    expect(answers.at(-1)?.health).toBe(200);
    // Once ready, the webhook function answers for itself (here: an unsigned request is refused).
    const unsigned = await fetch(`${host.url}/webhooks/github`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
  }, 120_000);

  it('accepts CloudFormation events only with its run token, so a browser page cannot forge them', async () => {
    const event = JSON.stringify({
      'detail-type': 'CloudFormation Stack Status Change',
      source: 'aws.cloudformation',
      detail: {
        'stack-id': 'arn:aws:cloudformation:us-east-1:000000000000:stack/x/1',
        'status-details': { status: 'UPDATE_COMPLETE' },
      },
      resources: [],
    });
    const post = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${host!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...headers },
        body: event,
      });
    expect((await post('/events')).status).toBe(403);
    expect((await post('/events?token=guess')).status).toBe(403);
    expect((await post('/events', { 'x-converge-events-token': 'the-run-token-but-longer' })).status).toBe(
      403,
    );
    expect((await post('/events?token=the-run-token')).status).toBe(202);
    expect((await post('/events', { 'x-converge-events-token': 'the-run-token' })).status).toBe(202);
    expect(host!.eventTarget).toBe(`${host!.url}/events?token=the-run-token`);
  });

  it('says in the terminal why a delivery changed nothing: refused, or ignored with its reason', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/bob/x',
      before: '0'.repeat(40),
      after: 'a'.repeat(40),
      repository: { name: 'infra', full_name: 'acme/infra', owner: { login: 'acme' } },
      commits: [],
      pusher: { name: 'bob' },
      sender: { login: 'bob' },
    });
    const signature = `sha256=${createHmac('sha256', 'w').update(body).digest('hex')}`;
    const ignored = await fetch(`${host!.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': signature,
      },
      body,
    });
    expect(ignored.status).toBe(202);
    const unsigned = await fetch(`${host!.url}/webhooks/github`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    const lines = printed.join('\n');
    expect(lines).toMatch(/\[webhook\] ignored: .*refs\/heads\/bob\/x/);
    expect(lines).toMatch(/\[webhook\] refused \(401\)/);
  });
});
