import { createHmac } from 'node:crypto';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { approveHandler } from '../../../functions/approve/handler.ts';
import { slackVoteReader } from '../../../shared/adapters/slack/slack-vote-reader.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import type { ControlPlanePolicy } from '../../../shared/domain/policy/control-plane-policy.ts';
import type { VoterReplyTarget } from '../../../shared/ports/notifier.ts';
import { standardMiddleware } from '../../../shared/runtime/middleware.ts';
import { createLogger, createMetrics } from '../../../shared/runtime/observability.ts';
import { testPolicy } from '../../support/test-policy.ts';
import { blockActionsPayload, formBody } from '../adapters/slack/block-actions-payload.ts';
import { awaitingApproval, pipeline, REPOSITORY } from '../use-cases/pipeline-fixture.ts';
import { context, functionUrlEvent } from './lambda-events.ts';

const SIGNING_SECRET = 'slack-signing-secret';

/** The recorded click's workspace is the policy's. */
const POLICY = testPolicy([REPOSITORY], { extra: ['slack: { teamId: T3MDE }'] });

function setup(policy: ControlPlanePolicy = POLICY, options: { replyFails?: boolean } = {}) {
  const p = pipeline();
  const replies: { target: VoterReplyTarget; text: string }[] = [];
  // As deployed: behind the standard middleware, which answers refused requests.
  const wrapped = middy(
    approveHandler({
      ...p.deps,
      policy,
      readChatVote: slackVoteReader({ signingSecret: async () => SIGNING_SECRET, now: () => p.clock.now() }),
      voterReplies: {
        replyToVoter: async (target, text) => {
          if (options.replyFails)
            throw new Error('cannot answer the voter: no allowed response_url and no channel');
          replies.push({ target, text });
        },
      },
    }),
  ).use(
    standardMiddleware({
      functionName: 'approve',
      http: true,
      logger: createLogger(),
      metrics: createMetrics(),
    }),
  );
  const handle = (event: LambdaFunctionURLEvent) =>
    wrapped(event, context) as Promise<LambdaFunctionURLResult>;
  /** A click as Slack posts it, signed `secondsAgo` before the clock's now. */
  const click = (payload: unknown, options: { secret?: string; secondsAgo?: number } = {}) => {
    const body = formBody(payload);
    const timestamp = String(Math.floor(p.clock.now() / 1000) - (options.secondsAgo ?? 0));
    const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
      .update(`v0:${timestamp}:${body}`)
      .digest('hex')}`;
    return handle(
      functionUrlEvent({
        headers: {
          'X-Slack-Request-Timestamp': timestamp,
          'X-Slack-Signature': signature,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body,
      }),
    );
  };
  return { ...p, click, replies };
}

const button = (deploymentId: string, changeSetId: string | undefined, action = 'approve') =>
  blockActionsPayload({}, { action_id: action, value: JSON.stringify({ deploymentId, changeSetId }) });

describe('approve handler', () => {
  it('turns an Approve click into the deciding vote', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    expect(await s.click(button(deployment.id, deployment.changeSet?.id))).toMatchObject({ statusCode: 200 });
    expect((await s.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.APPROVED);
    expect(s.queue.jobs('execute')).toHaveLength(1);
  });

  it('turns a Reject click into a rejection', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    await s.click(button(deployment.id, deployment.changeSet?.id, 'reject'));
    expect((await s.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.REJECTED);
  });

  it('tells only the voter why a vote for an old change set does not count', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    await s.click(button(deployment.id, 'arn:aws:cloudformation:eu-west-1:1:changeSet/old/1'));
    expect((await s.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
    expect(s.replies).toEqual([
      { target: expect.objectContaining({ userId: 'U0CA5' }), text: expect.any(String) },
    ]);
  });

  it('answers 200 to a refused vote it cannot explain to the voter, and changes nothing but the refusal audit', async () => {
    const s = setup(POLICY, { replyFails: true });
    const deployment = await awaitingApproval(s);
    const before = await s.store.getDeployment(deployment.id);
    expect(
      await s.click(button(deployment.id, 'arn:aws:cloudformation:eu-west-1:1:changeSet/old/1')),
    ).toMatchObject({ statusCode: 200 });
    expect(await s.store.getDeployment(deployment.id)).toEqual(before);
    expect(await s.store.listApprovals(deployment.id)).toEqual([]);
    expect(s.queue.jobs('execute')).toEqual([]);
  });

  it('answers 401 to a bad signature and counts nothing', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    expect(await s.click(button(deployment.id, deployment.changeSet?.id), { secret: 'other' })).toMatchObject(
      { statusCode: 401 },
    );
    expect(await s.store.listApprovals(deployment.id)).toEqual([]);
    expect((await s.store.listAudit(`deployment#${deployment.id}`)).map((a) => a.action)).not.toContain(
      'vote-refused',
    );
  });

  it('answers 401 to a replayed request older than five minutes', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    expect(await s.click(button(deployment.id, deployment.changeSet?.id), { secondsAgo: 301 })).toMatchObject(
      { statusCode: 401 },
    );
    expect(await s.store.listApprovals(deployment.id)).toEqual([]);
  });

  it('refuses a click from another Slack workspace, and every click when the policy names none', async () => {
    for (const policy of [
      testPolicy([REPOSITORY], { extra: ['slack: { teamId: T0OTHER }'] }),
      testPolicy([REPOSITORY]),
    ]) {
      const s = setup(policy);
      const deployment = await awaitingApproval(s);
      expect(await s.click(button(deployment.id, deployment.changeSet?.id))).toMatchObject({
        statusCode: 200,
      });
      expect(await s.store.listApprovals(deployment.id)).toEqual([]);
      expect((await s.store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.AWAITING_APPROVAL);
      expect(s.replies).toEqual([
        { target: expect.objectContaining({ userId: 'U0CA5' }), text: expect.stringMatching(/workspace/) },
      ]);
    }
  });

  it('acknowledges a click on a button that is not Converge’s and does nothing', async () => {
    const s = setup();
    const deployment = await awaitingApproval(s);
    expect(await s.click(blockActionsPayload({}, { action_id: 'other-app' }))).toMatchObject({
      statusCode: 200,
    });
    expect(await s.store.listApprovals(deployment.id)).toEqual([]);
  });
});
