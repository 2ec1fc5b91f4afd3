import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** The raw request body of a Function URL event, decoded from base64 when Lambda encoded it. */
export function rawBody(event: Pick<LambdaFunctionURLEvent, 'body' | 'isBase64Encoded'>): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** A JSON answer. */
export function json(statusCode: number, body: unknown): LambdaFunctionURLResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
