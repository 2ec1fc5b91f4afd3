import type { Context, LambdaFunctionURLEvent, SQSEvent } from 'aws-lambda';
import type { Job } from '../../../shared/ports/queue.ts';

/** A Function URL request as Lambda hands it over (payload format 2.0). */
export function functionUrlEvent(request: {
  headers: Record<string, string>;
  body: string;
  method?: string;
  base64?: boolean;
}): LambdaFunctionURLEvent {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'url-id',
      domainName: 'url-id.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'url-id',
      http: {
        method: request.method ?? 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'GitHub-Hookshot/abc',
      },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Mar/2026:09:00:00 +0000',
      timeEpoch: 1_772_355_600_000,
    },
    body: request.base64 ? Buffer.from(request.body).toString('base64') : request.body,
    isBase64Encoded: request.base64 ?? false,
  };
}

/** An SQS FIFO batch carrying `jobs` (or raw bodies), one record each. */
export function sqsEvent(messages: readonly (Job | string)[]): SQSEvent {
  return {
    Records: messages.map((message, index) => ({
      messageId: `message-${index}`,
      receiptHandle: `receipt-${index}`,
      body: typeof message === 'string' ? message : JSON.stringify(message),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1772355600000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1772355600000',
        MessageGroupId: typeof message === 'string' ? 'group' : message.stackKey,
        MessageDeduplicationId: `dedupe-${index}`,
        SequenceNumber: `1884949646046769612${index}`,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:converge-plan.fifo',
      awsRegion: 'eu-west-1',
    })),
  };
}

/** A Lambda context good enough for Powertools' batch processor. */
export const context = {
  functionName: 'converge-test',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
