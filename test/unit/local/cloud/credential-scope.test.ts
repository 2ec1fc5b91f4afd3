import { describe, expect, it } from 'vitest';
import { parseCredentialScope } from '../../../../local/cloud/credential-scope.ts';

const AUTH =
  'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/cloudformation/aws4_request, SignedHeaders=host, Signature=abc';

describe('parseCredentialScope', () => {
  it('reads the scope from the Authorization header', () => {
    expect(parseCredentialScope({ authorization: AUTH }, '/')).toEqual({
      accessKeyId: 'AKID',
      date: '20260101',
      region: 'eu-west-1',
      service: 'cloudformation',
    });
  });

  it('reads the scope of a presigned URL', () => {
    const url =
      '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request';
    expect(parseCredentialScope({}, url)?.service).toBe('s3');
  });

  it.each([
    ['no credentials', {}],
    [
      'a scope without its terminator',
      { authorization: 'AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/s3' },
    ],
    ['another scheme', { authorization: 'Bearer token' }],
  ])('returns undefined for %s', (_name, headers) => {
    expect(parseCredentialScope(headers, '/')).toBeUndefined();
  });
});
