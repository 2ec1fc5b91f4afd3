import { describe, expect, it } from 'vitest';
import { changeSetFailureReason } from '../../../../shared/domain/change-set/change-set-failure-reason.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';

describe('changeSetFailureReason', () => {
  it.each([
    ['Requires capabilities : [CAPABILITY_NAMED_IAM]', ReasonCode.INSUFFICIENT_CAPABILITIES],
    [
      'User: arn:aws:sts::1:assumed-role/x is not authorized to perform: cloudformation:CreateChangeSet',
      ReasonCode.ACCESS_DENIED,
    ],
    [
      'Template format error: Unresolved resource dependencies [Topic] in the Resources block',
      ReasonCode.TEMPLATE_INVALID,
    ],
    ['Parameters: [VpcCidr] must have values', ReasonCode.PARAMETERS_INVALID],
    [
      'Stack:arn:aws:cloudformation:eu-west-1:1:stack/n/1 is in UPDATE_ROLLBACK_FAILED state and can not be updated.',
      ReasonCode.STACK_NOT_UPDATABLE,
    ],
    ['Something else went wrong', ReasonCode.CHANGE_SET_FAILED],
  ])('names "%s" %s and keeps the message', (message, code) => {
    expect(changeSetFailureReason(message)).toEqual({ code, message });
  });
});
