import type { Reason } from '../deployment/deployment.ts';
import { ReasonCode } from '../deployment/reason-code.ts';

const RULES: readonly [RegExp, ReasonCode][] = [
  [/requires capabilities|InsufficientCapabilities/i, ReasonCode.INSUFFICIENT_CAPABILITIES],
  [/not authorized|AccessDenied|access denied/i, ReasonCode.ACCESS_DENIED],
  [
    /Template format error|Template error|Unresolved resource dependencies|Invalid template/i,
    ReasonCode.TEMPLATE_INVALID,
  ],
  [
    /Parameters: \[|Parameter .* (must|does not)|parameter.*not exist|ParameterValue/i,
    ReasonCode.PARAMETERS_INVALID,
  ],
  [/is in \w+_(FAILED|IN_PROGRESS|COMPLETE) state and can not be updated/i, ReasonCode.STACK_NOT_UPDATABLE],
];

/** Names why CloudFormation refused or failed a change set, keeping its own words as the message. */
export function changeSetFailureReason(message: string): Reason {
  const code = RULES.find(([pattern]) => pattern.test(message))?.[1] ?? ReasonCode.CHANGE_SET_FAILED;
  return { code, message };
}
