import { createHmac, randomUUID } from 'node:crypto';
import { signedSlackClick } from '../../../local/host/signed-slack-click.ts';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { type E2e, SECRETS } from '../../e2e/support/e2e-harness.ts';

/** One generated attack: how to send it and which answers are the right refusal. */
export interface HostileRequest {
  readonly category: string;
  send(): Promise<Response>;
  /** The answer a refusal must have: a 4xx, or (for what is refused after the signature) a 2xx outcome. */
  readonly expected: '401' | '400' | '413' | '4xx' | 'ignored';
}

/** What the attacks aim at: a deployment awaiting approval, a finished one, a real push. */
export interface Targets {
  readonly waiting: Deployment;
  readonly finished: Deployment;
  /** A push of a real commit never sent: if any forged copy got in, it would plan. */
  readonly unsentPush: { readonly body: string };
  /** A push that was delivered, with its delivery id. */
  readonly deliveredPush: { readonly body: string; readonly deliveryId: string };
  /** A line a log injection tries to forge; it must never start a log line. */
  readonly injected: string;
}

/** The channel and ts of the approval message a deployment's notifications recorded. */
function slackMessageOf(deployment: Deployment): { message?: { channel: string; ts: string } } {
  const slack = deployment.notifications?.slack as { channel?: string; ts?: string } | undefined;
  return slack?.channel && slack.ts ? { message: { channel: slack.channel, ts: slack.ts } } : {};
}

const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Posts a raw body to the webhook with the given headers. */
function webhook(e2e: E2e, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${e2e.host.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      ...headers,
    },
    body,
  });
}

/** Posts a Slack action. */
function slack(e2e: E2e, request: { headers: Record<string, string>; body: string }): Promise<Response> {
  return fetch(`${e2e.host.url}/slack/actions`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
}

/**
 * `perKind` generated variants of each kind of bad request, from the signature to the vote: a
 * forged or missing signature, a replay, stale and future Slack timestamps, another workspace or
 * an unknown approver, a vote naming another or a finished deployment, malformed and huge bodies,
 * path traversal in ids, and log injection in every text field that is logged.
 */
export function hostileRequests(e2e: E2e, targets: Targets, perKind: number): HostileRequest[] {
  const requests: HostileRequest[] = [];
  const now = () => Math.floor(Date.now() / 1000);
  const click = (
    overrides: Partial<Parameters<typeof signedSlackClick>[0]> & { secret?: string },
    target: Deployment = targets.waiting,
  ) =>
    signedSlackClick({
      decision: 'approve',
      deploymentId: target.id,
      changeSetId: target.changeSet?.id ?? '',
      userId: 'U0APPROVER',
      signingSecret: overrides.secret ?? SECRETS.slackSigningSecret,
      timestamp: now(),
      // Slack sends the clicked message's channel and ts; Converge answers the voter there.
      ...slackMessageOf(target),
      ...overrides,
    });
  const push = targets.unsentPush.body;
  for (let i = 0; i < perKind; i += 1) {
    const add = (category: string, expected: HostileRequest['expected'], send: () => Promise<Response>) =>
      requests.push({ category, expected, send });
    // Signatures.
    add('signature: wrong secret', '401', () =>
      webhook(e2e, push, { 'x-hub-signature-256': sign(`guess-${i}`, push) }),
    );
    add('signature: missing', '401', () => webhook(e2e, push, {}));
    add('signature: sha1 scheme', '401', () =>
      webhook(e2e, push, {
        'x-hub-signature-256': `sha1=${createHmac('sha1', SECRETS.webhookSecret).update(push).digest('hex')}`,
      }),
    );
    add('signature: truncated', '401', () =>
      webhook(e2e, push, { 'x-hub-signature-256': sign(SECRETS.webhookSecret, push).slice(0, 20 + i) }),
    );
    add('signature: of another body', '401', () =>
      webhook(e2e, push, { 'x-hub-signature-256': sign(SECRETS.webhookSecret, `${push} `) }),
    );
    // Replays: the same delivery again, and the same body under a new delivery id.
    add('replay: same delivery id', 'ignored', () =>
      webhook(e2e, targets.deliveredPush.body, {
        'x-hub-signature-256': sign(SECRETS.webhookSecret, targets.deliveredPush.body),
        'x-github-delivery': targets.deliveredPush.deliveryId,
      }),
    );
    add('replay: new delivery id', 'ignored', () =>
      webhook(e2e, targets.deliveredPush.body, {
        'x-hub-signature-256': sign(SECRETS.webhookSecret, targets.deliveredPush.body),
      }),
    );
    // Slack timestamps outside five minutes, either way.
    add('slack: stale timestamp', '401', () => slack(e2e, click({ timestamp: now() - 301 - i * 60 })));
    add('slack: future timestamp', '401', () => slack(e2e, click({ timestamp: now() + 301 + i * 60 })));
    // Forged identities.
    add('slack: wrong signing secret', '401', () => slack(e2e, click({ secret: `guess-${i}` })));
    add('slack: unsigned', '401', () =>
      slack(e2e, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: click({}).body }),
    );
    add('slack: another workspace', 'ignored', () => slack(e2e, click({ teamId: `T0EVIL${i}` })));
    add('slack: not an approver', 'ignored', () => slack(e2e, click({ userId: `U0MALLORY${i}` })));
    // A refusal with nowhere to explain it (no channel, no response_url) is answered like any other.
    add('slack: refused, nowhere to answer', 'ignored', () =>
      slack(e2e, click({ userId: `U0NOWHERE${i}`, message: undefined })),
    );
    // Votes for what they do not name.
    add('vote: another deployment’s change set', 'ignored', () =>
      slack(e2e, click({ changeSetId: targets.finished.changeSet?.id ?? 'arn:none' })),
    );
    add('vote: unknown deployment', 'ignored', () =>
      slack(e2e, click({ deploymentId: `01J${String(i).padStart(23, '0')}` })),
    );
    add('vote: finished deployment', 'ignored', () => slack(e2e, click({}, targets.finished)));
    add('vote: path traversal in the deployment id', 'ignored', () =>
      slack(e2e, click({ deploymentId: `../../${'x'.repeat(i)}etc/passwd` })),
    );
    // Malformed and huge bodies, correctly signed so only the parser stands in the way.
    const malformed = [
      '{"ref": ',
      '[]',
      'null',
      '42',
      '"push"',
      '{"repository": {"full_name": 7}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      '\u0000\u0001',
    ];
    const body = malformed[i % malformed.length]!;
    add('json: malformed', '4xx', () =>
      webhook(e2e, body, { 'x-hub-signature-256': sign(SECRETS.webhookSecret, body) }),
    );
    add('json: huge', '413', () => webhook(e2e, `{"pad":"${'x'.repeat(6 * 1024 * 1024 + i)}"}`, {}));
    // Log injection: a forged log line in every field that might be logged.
    const forged = `\n${targets.injected} ${i}\r\n`;
    add('log injection: delivery id and event', '4xx', () =>
      webhook(e2e, push, {
        'x-github-delivery': `id${encodeURIComponent(forged)}`,
        'x-github-event': `push${encodeURIComponent(forged)}`,
      }),
    );
    add('log injection: Slack user', '4xx', () => slack(e2e, click({ userId: `U0X${forged}` })));
  }
  return requests;
}
