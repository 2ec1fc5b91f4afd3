import { describe, expect, it } from 'vitest';
import { consoleApis } from '../../../../local/host/console-apis.ts';
import { renderSlackBlocks } from '../../../../local/host/render-slack-blocks.ts';
import { buildApprovalMessage } from '../../../../shared/adapters/slack/build-approval-message.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';
import { deploymentFixture, riskySummary } from '../../../support/deployment-fixture.ts';

function printed(run: (apis: ReturnType<typeof consoleApis>) => void): string {
  const out: string[] = [];
  run(consoleApis({ print: (text) => out.push(text), approveHint: (a) => [`approve: ${a.deploymentId}`] }));
  return out.join('\n');
}

describe('the console stand-ins of converge dev', () => {
  it('print what the Slack message says: the change summary, its call-outs and the status, not only its one line', () => {
    const deployment = deploymentFixture({
      status: 'AWAITING_APPROVAL',
      changeSet: { id: 'cs-1', name: 'converge-1', summary: riskySummary },
    });
    const message = buildApprovalMessage(deployment, { event: 'approval needed', awaitingApproval: true });
    const text = printed((apis) =>
      apis.slack('chat.postMessage', { channel: 'C0', ...message, blocks: JSON.stringify(message.blocks) }),
    );
    expect(text).toContain('[slack message]');
    for (const expected of [
      'OldQueue',
      'Bucket',
      'DeployRole',
      'Awaiting approval',
      'approval needed',
      `approve: ${deployment.id}`,
    ])
      expect(text).toContain(expected);
    expect(text).not.toMatch(/<https?:[^>]*\|/);
  });

  it('print the reason of a failure', () => {
    const deployment = deploymentFixture({
      status: 'FAILED',
      reason: {
        code: ReasonCode.ROLLED_BACK,
        message: 'network-prod ended UPDATE_ROLLBACK_COMPLETE: Queue failed',
      },
    });
    const message = buildApprovalMessage(deployment, { event: 'failed' });
    const text = printed((apis) => apis.slack('chat.update', { channel: 'C0', ts: '1.0', ...message }));
    expect(text).toContain('network-prod ended UPDATE_ROLLBACK_COMPLETE: Queue failed');
  });

  it('print a preview comment and a check run summary as their text, without the hidden marker', () => {
    const comment = printed((apis) =>
      apis.github('POST', '/repos/acme/infra/issues/7/comments', {
        body: '<!-- converge:preview -->\n### app would change\n- Add `Queue` (AWS::SQS::Queue)',
      }),
    );
    expect(comment).not.toContain('converge:preview');
    expect(comment).toContain('### app would change');
    expect(comment).toContain('- Add `Queue` (AWS::SQS::Queue)');
    const check = printed((apis) =>
      apis.github('PATCH', '/repos/acme/infra/check-runs/3', {
        name: 'converge/app',
        conclusion: 'success',
        output: { title: '1 to add', summary: 'Add Queue\nRisk: safe' },
      }),
    );
    expect(check).toContain('converge/app: success — 1 to add');
    expect(check).toContain('Risk: safe');
  });
});

describe('renderSlackBlocks', () => {
  it('reads links as their text and drops mrkdwn marks', () => {
    expect(
      renderSlackBlocks([
        { type: 'header', text: { type: 'plain_text', text: 'Deploy: app' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Revision*\n<https://github.com/acme/infra/commit/abc|abc1234>' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: ':x: Failed · _because_' }] },
        { type: 'actions', elements: [] },
      ]),
    ).toEqual(['Deploy: app', 'Revision: abc1234', ':x: Failed · because']);
  });
});
