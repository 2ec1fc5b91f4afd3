import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompositeNotifier } from '../../../shared/adapters/notify/composite-notifier.ts';
import { SlackNotifier } from '../../../shared/adapters/slack/slack-notifier.ts';
import { SlackConfigInvalidError } from '../../../shared/adapters/slack/slack-request-errors.ts';
import { ReasonCode } from '../../../shared/domain/deployment/reason-code.ts';
import { deploymentFixture } from '../../support/deployment-fixture.ts';
import { type RecordingServer, startRecordingServer } from '../../support/recording-server.ts';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(async () => {
  await server.stop();
});

function slack(options: Partial<ConstructorParameters<typeof SlackNotifier>[0]> = {}) {
  return new SlackNotifier({
    channel: 'C0CA5',
    token: 'xoxb-test-token',
    slackApiUrl: `${server.url}/api/`,
    ...options,
  });
}

function form(index: number, path: string): Record<string, string> {
  return server.requestsTo('POST', path)[index]!.body as Record<string, string>;
}

describe('SlackNotifier', () => {
  it('posts one message for a new deployment and returns where it went', async () => {
    const refs = await slack().deploymentChanged(
      deploymentFixture(),
      { event: 'approval requested' },
      undefined,
    );
    const posted = form(0, '/api/chat.postMessage');
    expect(refs).toEqual({ channel: 'C0CA5', ts: expect.stringMatching(/^\d+\.\d+$/) });
    expect(posted.channel).toBe('C0CA5');
    expect(posted.text).toBe('network-prod @ 6113728: Awaiting approval');
    expect(JSON.parse(posted.blocks!).some((b: { type: string }) => b.type === 'actions')).toBe(true);
    expect(server.requestsTo('POST', '/api/chat.postMessage')[0]!.headers.authorization).toBe(
      'Bearer xoxb-test-token',
    );
  });

  it('edits the same message in place on the next change, without buttons', async () => {
    const notifier = slack();
    const first = await notifier.deploymentChanged(
      deploymentFixture(),
      { event: 'approval requested' },
      undefined,
    );
    const second = await notifier.deploymentChanged(
      deploymentFixture({ status: 'EXECUTING' }),
      { event: 'approved by slack:U0CA5' },
      first,
    );
    expect(second).toEqual(first);
    expect(server.requestsTo('POST', '/api/chat.postMessage')).toHaveLength(1);
    const update = form(0, '/api/chat.update');
    expect({ channel: update.channel, ts: update.ts }).toEqual(first);
    expect(update.text).toBe('network-prod @ 6113728: Executing');
    expect(JSON.parse(update.blocks!).some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  it.each([
    [
      'SUPERSEDED',
      { message: 'Revision a10867b14bb7 (deployment dep-01J) is newer; this one will not execute.' },
      'Revision a10867b14bb7 (deployment dep-01J) is newer',
    ],
    [
      'EXPIRED',
      { message: 'Nobody approved the change set in time.' },
      'Expired without approval at 2026-11-27T10:00:00.000Z',
    ],
    ['REJECTED', { message: 'Rejected by slack:U0BOB: not now' }, 'Rejected by slack:U0BOB: not now'],
  ] as const)(
    'edits an ended %s request in place: buttons gone, the reason shown',
    async (status, reason, says) => {
      const codeOf = {
        SUPERSEDED: ReasonCode.NEWER_REVISION,
        EXPIRED: ReasonCode.APPROVAL_EXPIRED,
        REJECTED: ReasonCode.REJECTED,
      } as const;
      const notifier = slack();
      const first = await notifier.deploymentChanged(
        deploymentFixture(),
        { event: 'approval requested' },
        undefined,
      );
      const ended = deploymentFixture({
        status,
        expiresAt: '2026-11-27T10:00:00.000Z',
        reason: { code: codeOf[status], ...reason },
      });
      await notifier.deploymentChanged(ended, { event: 'ended' }, first);
      const update = form(0, '/api/chat.update');
      expect({ channel: update.channel, ts: update.ts }).toEqual(first);
      expect(JSON.parse(update.blocks!).some((b: { type: string }) => b.type === 'actions')).toBe(false);
      expect(update.blocks).toContain(says);
    },
  );

  it('keeps editing across stateless invocations through the stored refs', async () => {
    const composite = () => new CompositeNotifier([slack()]);
    const planned = await composite().deploymentChanged(deploymentFixture(), { event: 'approval requested' });
    const executing = deploymentFixture({ status: 'EXECUTING', notifications: planned.refs });
    const outcome = await composite().deploymentChanged(executing, { event: 'approved' });
    expect(planned.changed).toBe(true);
    expect(outcome).toEqual({ refs: planned.refs, changed: false, failures: [] });
    expect(server.requestsTo('POST', '/api/chat.update')).toHaveLength(1);
  });

  it('posts a new message when the old one was deleted', async () => {
    server.route('POST', '/api/chat.update', { body: { ok: false, error: 'message_not_found' } });
    const refs = await slack().deploymentChanged(
      deploymentFixture({ status: 'SUCCEEDED' }),
      { event: 'done' },
      { channel: 'C0CA5', ts: '1.1' },
    );
    expect(refs?.ts).not.toBe('1.1');
    expect(server.requestsTo('POST', '/api/chat.postMessage')).toHaveLength(1);
  });

  it('reports a Slack failure through the composite without throwing', async () => {
    server.route('POST', '/api/chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });
    const outcome = await new CompositeNotifier([slack()]).deploymentChanged(deploymentFixture(), {
      event: 'x',
    });
    expect(outcome.failures).toEqual([
      { channel: 'slack', error: 'WebAPIPlatformError', message: 'An API error occurred: channel_not_found' },
    ]);
    expect(outcome.changed).toBe(false);
  });

  it('leaves previews to the pull request', async () => {
    const refs = await slack().deploymentChanged(
      deploymentFixture({ kind: 'preview' }),
      { event: 'x' },
      undefined,
    );
    expect(refs).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('answers the voter through the response_url, privately', async () => {
    server.route('POST', '/slack/actions/T1/2/abc', { body: 'ok' });
    await slack({ responseUrlPrefixes: [`${server.url}/slack/`] }).replyToVoter(
      {
        via: 'slack',
        userId: 'U0CA5',
        channelId: 'C0CA5',
        responseUrl: `${server.url}/slack/actions/T1/2/abc`,
      },
      'You wrote this change; someone else has to approve it.',
    );
    expect(server.requestsTo('POST', '/slack/actions/T1/2/abc')[0]!.body).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'You wrote this change; someone else has to approve it.',
    });
  });

  it('answers with an ephemeral message when the response_url is not a Slack address', async () => {
    await slack().replyToVoter(
      { via: 'slack', userId: 'U0CA5', channelId: 'C0CA5', responseUrl: 'https://attacker.test/collect' },
      'This approval request expired.',
    );
    expect(form(0, '/api/chat.postEphemeral')).toMatchObject({
      channel: 'C0CA5',
      user: 'U0CA5',
      text: 'This approval request expired.',
    });
    expect(server.requests.map((r) => r.path)).toEqual(['/api/chat.postEphemeral']);
  });

  it.each([
    ['a channel name instead of an id', { channel: '#deployments' }],
    ['neither client nor token', { token: undefined }],
  ])('refuses %s', (_case, options) => {
    expect(() => slack(options)).toThrow(SlackConfigInvalidError);
  });
});
