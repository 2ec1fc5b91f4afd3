import { describe, expect, it } from 'vitest';
import {
  decodeJsonRequest,
  encodeJsonError,
  encodeJsonResponse,
} from '../../../../local/cloud/json-protocol.ts';
import { AwsServiceError } from '../../../../local/cloud/service.ts';

describe('the AWS JSON codec', () => {
  it('decodes a JSON object body and an empty body', () => {
    expect(decodeJsonRequest('{"TypeName":"AWS::SQS::Queue"}')).toEqual({ TypeName: 'AWS::SQS::Queue' });
    expect(decodeJsonRequest('')).toEqual({});
  });

  it.each([['not json'], ['[1,2]'], ['"text"']])(
    'refuses the body %s with SerializationException',
    (body) => {
      expect(() => decodeJsonRequest(body)).toThrow(
        expect.objectContaining({ code: 'SerializationException' }),
      );
    },
  );

  it('encodes dates as epoch seconds and drops undefined members', () => {
    const { body, headers } = encodeJsonResponse(
      { At: new Date('2026-01-02T03:04:05.500Z'), Gone: undefined, List: [{ At: new Date(0) }] },
      '1.0',
      'r',
    );
    expect(JSON.parse(body)).toEqual({ At: 1767323045.5, List: [{ At: 0 }] });
    expect(headers['content-type']).toBe('application/x-amz-json-1.0');
  });

  it('encodes errors with __type, message, status and x-amzn-ErrorType', () => {
    const error = new AwsServiceError('ResourceNotFoundException', 'not found', { statusCode: 404 });
    const encoded = encodeJsonError(error, '1.1', 'r', 'com.amazonaws.x#');
    expect(encoded.statusCode).toBe(404);
    expect(encoded.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(encoded.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(encoded.body)).toEqual({
      __type: 'com.amazonaws.x#ResourceNotFoundException',
      message: 'not found',
    });
  });
});
