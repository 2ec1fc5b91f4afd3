import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../../../shared/adapters/slack/build-approval-message.ts';
import type { SlackBlock } from '../../../../shared/adapters/slack/slack-blocks.ts';
import type { Reason } from '../../../../shared/domain/deployment/deployment.ts';
import { DeploymentStatus } from '../../../../shared/domain/deployment/deployment-status.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';
import { deploymentFixture } from '../../../support/deployment-fixture.ts';

/** All the text a person sees in the blocks, one string. */
function visibleText(blocks: readonly SlackBlock[]): string {
  return JSON.stringify(blocks);
}

function actions(blocks: readonly SlackBlock[]) {
  return blocks.find((block) => block.type === 'actions');
}

describe('buildApprovalMessage', () => {
  it('links the short revision to the commit', () => {
    const { blocks } = buildApprovalMessage(deploymentFixture(), { event: 'approval requested' });
    expect(visibleText(blocks)).toContain(
      '<https://github.com/acme/infra/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246|6113728>',
    );
  });

  it('links to GitHub Enterprise Server when given its address', () => {
    const { blocks } = buildApprovalMessage(
      deploymentFixture(),
      { event: 'x' },
      { webUrl: 'https://git.acme.test/' },
    );
    expect(visibleText(blocks)).toContain('<https://git.acme.test/acme/infra/commit/6113728f');
  });

  it('names the stack, region and author', () => {
    const text = visibleText(buildApprovalMessage(deploymentFixture(), { event: 'x' }).blocks);
    expect(text).toContain('network-prod (eu-west-1)');
    expect(text).toContain('*Author*\\nalice');
  });

  it('counts adds, modifies, removes, replacements and IAM changes', () => {
    const text = visibleText(buildApprovalMessage(deploymentFixture(), { event: 'x' }).blocks);
    expect(text).toContain('2 to add · 1 to modify · 1 to remove · 1 replaced · 1 IAM / security');
    expect(text).toContain('risk: *dangerous*');
  });

  it.each([
    ['removals', '*Removed*\\n• `OldQueue` AWS::SQS::Queue (Remove)'],
    ['replacements', '*Replaced*\\n• `Bucket` AWS::S3::Bucket (Modify)'],
    ['IAM changes', '*IAM / security*\\n• `DeployRole` AWS::IAM::Role (Modify)'],
  ])('calls out %s', (_case, expected) => {
    expect(visibleText(buildApprovalMessage(deploymentFixture(), { event: 'x' }).blocks)).toContain(expected);
  });

  it('offers Approve and Reject carrying the deployment and change set while awaiting approval', () => {
    const deployment = deploymentFixture();
    const block = actions(buildApprovalMessage(deployment, { event: 'approval requested' }).blocks);
    if (block?.type !== 'actions') throw new Error('no buttons');
    expect(block.elements.map((e) => e.action_id)).toEqual(['approve', 'reject']);
    expect(JSON.parse(block.elements[0]!.value)).toEqual({
      deploymentId: deployment.id,
      changeSetId: deployment.changeSet!.id,
    });
  });

  it.each(Object.values(DeploymentStatus).filter((status) => status !== DeploymentStatus.AWAITING_APPROVAL))(
    'shows no buttons once the deployment is %s',
    (status) => {
      expect(
        actions(buildApprovalMessage(deploymentFixture({ status }), { event: 'x' }).blocks),
      ).toBeUndefined();
    },
  );

  it('gives the buttons a block id that changes with each version of the deployment', () => {
    const blockId = (version: number) => {
      const block = actions(buildApprovalMessage(deploymentFixture({ version }), { event: 'x' }).blocks);
      return block?.type === 'actions' ? block.block_id : undefined;
    };
    expect(blockId(2)).toBe('vote:dep-01HZX:2');
    expect(blockId(3)).not.toBe(blockId(2));
  });

  it('shows no buttons when the caller says nobody can act', () => {
    const { blocks } = buildApprovalMessage(deploymentFixture(), { event: 'x', awaitingApproval: false });
    expect(actions(blocks)).toBeUndefined();
  });

  it('shows no buttons on a preview', () => {
    expect(
      actions(buildApprovalMessage(deploymentFixture({ kind: 'preview' }), { event: 'x' }).blocks),
    ).toBeUndefined();
  });

  it('states the status, the event and the reason', () => {
    const deployment = deploymentFixture({
      status: 'FAILED',
      reason: {
        code: ReasonCode.EXECUTION_FAILED,
        message: 'Bucket: Resource handler returned message: Access Denied',
      },
    });
    const text = visibleText(buildApprovalMessage(deployment, { event: 'rolled back' }).blocks);
    expect(text).toContain(':x: Failed (rolled back) · rolled back · Bucket: Resource handler');
  });

  it('shows what drifted when the deployment reverts drift', () => {
    const deployment = deploymentFixture({ kind: 'revert-drift' });
    const text = visibleText(
      buildApprovalMessage(deployment, {
        event: 'drift found',
        drift: [
          {
            logicalId: 'Queue',
            resourceType: 'AWS::SQS::Queue',
            status: 'MODIFIED',
            differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '60', type: 'NOT_EQUAL' }],
          },
        ],
      }).blocks,
    );
    expect(text).toContain('*Drift to revert*');
    expect(text).toContain('`/VisibilityTimeout` expected 30, actual 60');
  });

  it('escapes Slack control characters in text from the repository', () => {
    const deployment = deploymentFixture({ author: '<!channel> & co' });
    const text = visibleText(
      buildApprovalMessage(deployment, { event: 'x', commitMessage: 'fix <b>\nbody' }).blocks,
    );
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).toContain('> fix &lt;b&gt;');
    expect(text).not.toContain('body');
  });

  it('calls out network security changes as security changes', () => {
    const base = deploymentFixture();
    const rule = {
      logicalId: 'WebIngress',
      resourceType: 'AWS::EC2::SecurityGroupIngress',
      action: 'Add' as const,
      replacement: 'False' as const,
      properties: [],
      flags: ['network-security'],
    };
    const deployment = deploymentFixture({
      changeSet: { ...base.changeSet!, summary: { ...base.changeSet!.summary!, changes: [rule] } },
    });
    expect(visibleText(buildApprovalMessage(deployment, { event: 'x' }).blocks)).toContain(
      '*IAM / security*\\n• `WebIngress` AWS::EC2::SecurityGroupIngress (Add)',
    );
  });

  it('lists at most maxListed resources per call-out', () => {
    const base = deploymentFixture();
    const removals = Array.from({ length: 25 }, (_, i) => ({
      logicalId: `Queue${i}`,
      resourceType: 'AWS::SQS::Queue',
      action: 'Remove' as const,
      replacement: 'False' as const,
      properties: [],
      flags: ['removal'],
    }));
    const deployment = deploymentFixture({
      changeSet: { ...base.changeSet!, summary: { ...base.changeSet!.summary!, changes: removals } },
    });
    const text = visibleText(buildApprovalMessage(deployment, { event: 'x' }, { maxListed: 10 }).blocks);
    expect(text).toContain('`Queue9`');
    expect(text).not.toContain('`Queue10`');
    expect(text).toContain('…and 15 more');
  });

  it.each<[DeploymentStatus, boolean, string]>([
    ['PLANNING', false, ':hourglass_flowing_sand: Planning'],
    ['AWAITING_APPROVAL', true, ':raised_hand: Awaiting approval'],
    ['APPROVED', false, ':thumbsup: Approved'],
    ['EXECUTING', false, ':gear: Executing'],
    ['SUCCEEDED', false, ':white_check_mark: Succeeded'],
    ['FAILED', false, ':x: Failed (rolled back)'],
    ['NO_CHANGES', false, ':white_check_mark: No changes'],
    ['PLAN_FAILED', false, ':x: Plan failed'],
    ['REJECTED', false, ':no_entry: Rejected · x · Rejected by slack:U0BOB: not now'],
    ['EXPIRED', false, ':hourglass: Expired without approval at 2026-11-27T10:00:00.000Z'],
    [
      'SUPERSEDED',
      false,
      ':fast_forward: Superseded by a newer revision · x · Revision a10867b14bb7 (deployment dep-01J) is newer',
    ],
  ])('a %s deployment has buttons: %s, and its status line says "%s"', (status, buttons, line) => {
    const reasons: Partial<Record<DeploymentStatus, Reason>> = {
      REJECTED: { code: ReasonCode.REJECTED, message: 'Rejected by slack:U0BOB: not now' },
      EXPIRED: { code: ReasonCode.APPROVAL_EXPIRED, message: 'Nobody approved the change set in time.' },
      SUPERSEDED: {
        code: ReasonCode.NEWER_REVISION,
        message: 'Revision a10867b14bb7 (deployment dep-01J) is newer; this one will not execute.',
      },
    };
    const reason = reasons[status];
    const deployment = deploymentFixture({
      status,
      expiresAt: '2026-11-27T10:00:00.000Z',
      ...(reason ? { reason } : {}),
    });
    const { blocks } = buildApprovalMessage(deployment, { event: 'x' });
    expect(actions(blocks) !== undefined).toBe(buttons);
    const context = blocks.find((block) => block.type === 'context');
    expect(JSON.stringify(context)).toContain(line);
  });

  it('never shows buttons on an ended request, even when a caller says people may act', () => {
    for (const status of [DeploymentStatus.SUPERSEDED, DeploymentStatus.EXPIRED, DeploymentStatus.REJECTED]) {
      const { blocks } = buildApprovalMessage(deploymentFixture({ status }), {
        event: 'x',
        awaitingApproval: true,
      });
      expect(actions(blocks)).toBeUndefined();
    }
  });

  it('gives a plain-text fallback for notifications', () => {
    expect(buildApprovalMessage(deploymentFixture(), { event: 'x' }).text).toBe(
      'network-prod @ 6113728: Awaiting approval',
    );
  });

  it('shows which stacks deploy first, without buttons, while a deployment waits for them', () => {
    const waiting = deploymentFixture({
      status: DeploymentStatus.AWAITING_DEPENDENCIES,
      waitingFor: ['network-prod', 'dns-prod'],
      changeSet: undefined,
    });
    const message = buildApprovalMessage(waiting, { event: 'waiting' });
    expect(visibleText(message.blocks)).toContain('Deploys after *network-prod*, *dns-prod* at 6113728');
    expect(actions(message.blocks)).toBeUndefined();
    expect(message.text).toBe('network-prod @ 6113728: Waiting for its dependencies to deploy');
  });
});
