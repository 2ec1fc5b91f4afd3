import { describe, expect, it } from 'vitest';
import { faultError } from '../../../../local/cloud/fault-error.ts';

describe('faultError', () => {
  it.each([
    ['Throttling', 'query', 'CreateStack', 'Throttling', 400, 'Rate exceeded'],
    ['Throttling', 'json', 'GetResource', 'ThrottlingException', 400, 'Rate exceeded'],
    ['Throttling', 'dynamodb', 'PutItem', 'ProvisionedThroughputExceededException', 400, undefined],
    ['Throttling', 'dynamodb', 'CreateTable', 'ThrottlingException', 400, undefined],
    ['Throttling', 's3', 'GetObject', 'SlowDown', 503, 'Please reduce your request rate.'],
    ['InternalFailure', 'query', 'CreateStack', 'InternalFailure', 500, undefined],
    ['InternalFailure', 'dynamodb', 'GetItem', 'InternalServerError', 500, undefined],
    ['InternalFailure', 's3', 'GetObject', 'InternalError', 500, undefined],
    ['ServiceUnavailable', 'json', 'GetResource', 'ServiceUnavailable', 503, undefined],
  ] as const)('answers %s over %s (%s) as %s %i', (kind, protocol, operation, code, status, message) => {
    const error = faultError(kind, protocol, operation);
    expect(error.code).toBe(code);
    expect(error.statusCode).toBe(status);
    if (message) expect(error.message).toBe(message);
  });
});
