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

/**
 * Whether CreateChangeSet failed for a reason that passes: throttled or a 5xx after the client's
 * own retries, or a CREATE change set that lost the race to the stack's creation ("already exists
 * and cannot be created again": planned again, it is an UPDATE). Planning is retried for these
 * instead of ending PLAN_FAILED, which nothing would plan again.
 */
export function isTransientChangeSetError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    message?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  return typeof e.message === 'string' && /already exists and cannot be created again/i.test(e.message);
}

const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalFailure',
  'ServiceUnavailable',
]);
