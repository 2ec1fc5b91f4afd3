import type { EncodedResponse } from './encode-query-response.ts';
import { AwsServiceError, type ServiceInput, type ServiceOutput } from './service.ts';

/**
 * Decodes an AWS JSON 1.0/1.1 request body. An empty body is an empty input, as the SDKs
 * send `{}` for operations without members.
 *
 * @throws AwsServiceError `SerializationException` when the body is not a JSON object.
 */
export function decodeJsonRequest(body: string): ServiceInput {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as ServiceInput;
}

/** Encodes an AWS JSON answer; Dates become epoch seconds, as the protocol requires. */
export function encodeJsonResponse(
  output: ServiceOutput,
  jsonVersion: '1.0' | '1.1',
  requestId: string,
): EncodedResponse {
  return {
    statusCode: 200,
    headers: jsonHeaders(jsonVersion, requestId),
    body: JSON.stringify(toWire(output)),
  };
}

/**
 * Encodes an AWS JSON error: `{"__type": "Code", "message": "..."}` with the status and the
 * `x-amzn-ErrorType` header. `typePrefix` (e.g. `com.amazonaws.dynamodb.v20120810#`) is
 * prepended to `__type` where the real service does so.
 */
export function encodeJsonError(
  error: AwsServiceError,
  jsonVersion: '1.0' | '1.1',
  requestId: string,
  typePrefix = '',
): EncodedResponse {
  return {
    statusCode: error.statusCode,
    headers: { ...jsonHeaders(jsonVersion, requestId), 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: `${typePrefix}${error.code}`, message: error.message }),
  };
}

function jsonHeaders(jsonVersion: '1.0' | '1.1', requestId: string): Record<string, string> {
  return { 'content-type': `application/x-amz-json-${jsonVersion}`, 'x-amzn-requestid': requestId };
}

function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value instanceof Map) return toWire(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) result[key] = toWire(item);
    }
    return result;
  }
  return value;
}
