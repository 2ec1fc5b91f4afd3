import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../../../shared/adapters/slack/build-approval-message.ts';
import { deploymentFixture } from '../../../support/deployment-fixture.ts';

describe('buildApprovalMessage of a revision on a rewritten history', () => {
  it('says "History rewritten" and names the revision the stack had', () => {
    const deployment = deploymentFixture({
      historyRewritten: { from: 'abcdef0123456789abcdef0123456789abcdef01' },
    });
    const text = JSON.stringify(buildApprovalMessage(deployment, { event: 'approval needed' }).blocks);
    expect(text).toContain('History rewritten');
    expect(text).toContain('abcdef0');
  });

  it('says nothing of the kind for a revision that descends from the applied one', () => {
    const text = JSON.stringify(
      buildApprovalMessage(deploymentFixture(), { event: 'approval needed' }).blocks,
    );
    expect(text).not.toContain('History rewritten');
  });
});
