import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { HOST_ACCOUNT_ID } from './function-url-event.ts';

/**
 * The Lambda `Context` of one invocation of `functionName`: a fresh request id, the function's
 * ARN and a deadline `timeoutMs` from now that `getRemainingTimeInMillis` counts down to.
 */
export function lambdaContext(functionName: string, options: { region: string; timeoutMs: number }): Context {
  const deadline = Date.now() + options.timeoutMs;
  const name = `converge-${functionName}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${HOST_ACCOUNT_ID}:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${name}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
