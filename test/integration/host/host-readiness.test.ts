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
      logLevel: 'CRITICAL',
      print: () => undefined,
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
});
