import { describe, expect, it } from 'vitest';
import {
  CompositeNotifier,
  NotifierConfigInvalidError,
} from '../../../../shared/adapters/notify/composite-notifier.ts';
import type { Deployment } from '../../../../shared/domain/deployment/deployment.ts';
import type { ChannelRefs, NotificationChannel, PullRequestRef } from '../../../../shared/ports/notifier.ts';

const deployment: Deployment = {
  id: 'd-1',
  kind: 'deploy',
  stack: { stackName: 'network-prod', region: 'eu-west-1' },
  stackKey: 'default/eu-west-1/network-prod',
  repository: 'acme/infra',
  revision: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
  status: 'AWAITING_APPROVAL',
  createdAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:00.000Z',
  version: 1,
};

/** A channel that answers with fixed refs, or fails, and remembers what it was given. */
function channel(name: string, answer: ChannelRefs | undefined | Error) {
  const seen: (ChannelRefs | undefined)[] = [];
  const closed: PullRequestRef[] = [];
  const impl: NotificationChannel = {
    name,
    async deploymentChanged(_deployment, _context, previous) {
      seen.push(previous);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async pullRequestClosed(pullRequest) {
      if (answer instanceof Error) throw answer;
      closed.push(pullRequest);
    },
  };
  return { impl, seen, closed };
}

describe('CompositeNotifier', () => {
  it('collects every channel’s refs under its name', async () => {
    const slack = channel('slack', { channel: 'C1', ts: '1.1' });
    const github = channel('github', { checkRunId: '7' });
    const outcome = await new CompositeNotifier([slack.impl, github.impl]).deploymentChanged(deployment, {
      event: 'approval requested',
    });
    expect(outcome).toEqual({
      refs: { slack: { channel: 'C1', ts: '1.1' }, github: { checkRunId: '7' } },
      changed: true,
      failures: [],
    });
  });

  it('hands each channel its own earlier refs', async () => {
    const slack = channel('slack', { channel: 'C1', ts: '1.1' });
    await new CompositeNotifier([slack.impl]).deploymentChanged(
      { ...deployment, notifications: { slack: { channel: 'C1', ts: '1.1' }, github: { checkRunId: '7' } } },
      { event: 'approved' },
    );
    expect(slack.seen).toEqual([{ channel: 'C1', ts: '1.1' }]);
  });

  it('reports no change when every channel edited the message it had', async () => {
    const slack = channel('slack', { channel: 'C1', ts: '1.1' });
    const outcome = await new CompositeNotifier([slack.impl]).deploymentChanged(
      { ...deployment, notifications: { slack: { channel: 'C1', ts: '1.1' } } },
      { event: 'approved' },
    );
    expect(outcome.changed).toBe(false);
  });

  it('still notifies the other channels when one fails, and reports the failure', async () => {
    const slack = channel('slack', new Error('channel_not_found'));
    const github = channel('github', { checkRunId: '7' });
    const outcome = await new CompositeNotifier([slack.impl, github.impl]).deploymentChanged(deployment, {
      event: 'approval requested',
    });
    expect(outcome.refs).toEqual({ github: { checkRunId: '7' } });
    expect(outcome.failures).toEqual([{ channel: 'slack', error: 'Error', message: 'channel_not_found' }]);
  });

  it('keeps a failed channel’s earlier refs so the next call edits the same message', async () => {
    const slack = channel('slack', new Error('ratelimited'));
    const outcome = await new CompositeNotifier([slack.impl]).deploymentChanged(
      { ...deployment, notifications: { slack: { channel: 'C1', ts: '1.1' } } },
      { event: 'executing' },
    );
    expect(outcome.refs).toEqual({ slack: { channel: 'C1', ts: '1.1' } });
    expect(outcome.changed).toBe(false);
  });

  it('tells every channel that a pull request closed and isolates failures', async () => {
    const slack = channel('slack', new Error('boom'));
    const github = channel('github', { commentId: '1' });
    const pullRequest = {
      repository: 'acme/infra',
      pullRequest: 12,
      stackKey: 'default/eu-west-1/network-prod',
    };
    const outcome = await new CompositeNotifier([slack.impl, github.impl]).pullRequestClosed(pullRequest);
    expect(github.closed).toEqual([pullRequest]);
    expect(outcome.failures).toEqual([{ channel: 'slack', error: 'Error', message: 'boom' }]);
  });

  it('refuses two channels with the same name', () => {
    expect(
      () => new CompositeNotifier([channel('slack', undefined).impl, channel('slack', undefined).impl]),
    ).toThrow(NotifierConfigInvalidError);
  });
});
