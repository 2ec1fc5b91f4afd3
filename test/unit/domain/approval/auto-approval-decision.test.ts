import { describe, expect, it } from 'vitest';
import { autoApprovalDecision } from '../../../../shared/domain/approval/auto-approval-decision.ts';
import type {
  ChangeRisk,
  ChangeSetSummary,
} from '../../../../shared/domain/change-set/change-set-summary.ts';

function summary(risk: ChangeRisk, flags: string[] = []): ChangeSetSummary {
  return {
    add: 0,
    modify: 1,
    remove: 0,
    replace: 0,
    conditionalReplace: 0,
    security: 0,
    risk,
    changes: [
      {
        logicalId: 'Queue',
        resourceType: 'AWS::SQS::Queue',
        action: 'Modify',
        replacement: 'False',
        properties: [],
        flags,
      },
    ],
  };
}

describe('autoApprovalDecision', () => {
  it.each([
    [0, 'never', 'dangerous', true],
    [0, 'safe', 'dangerous', true],
    [1, 'always', 'dangerous', true],
    [2, 'always', 'review', true],
    [1, 'never', 'safe', false],
    [1, 'safe', 'safe', true],
    [1, 'safe', 'review', false],
    [1, 'safe', 'dangerous', false],
    [3, 'safe', 'safe', true],
  ] as const)('required %i, autoApprove %s, risk %s → auto %s', (required, autoApprove, risk, expected) => {
    expect(autoApprovalDecision({ required, autoApprove }, summary(risk)).autoApprove).toBe(expected);
  });

  it('says which flags made a person necessary', () => {
    const decision = autoApprovalDecision(
      { required: 1, autoApprove: 'safe' },
      summary('dangerous', ['replacement', 'iam']),
    );

    expect(decision.why).toBe('The change set is rated dangerous (replacement, iam).');
  });
});
