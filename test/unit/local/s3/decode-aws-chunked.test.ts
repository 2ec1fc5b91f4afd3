import { describe, expect, it } from 'vitest';
import { decodeAwsChunked, isAwsChunked } from '../../../../local/s3/decode-aws-chunked.ts';

describe('decodeAwsChunked', () => {
  it('joins the chunks and drops the trailer', () => {
    const body = Buffer.from('6\r\nhello \r\n6\r\nstream\r\n0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n');
    expect(decodeAwsChunked(body).toString()).toBe('hello stream');
  });

  it('accepts signed chunk headers', () => {
    const body = Buffer.from('3;chunk-signature=abc\r\nabc\r\n0;chunk-signature=def\r\n\r\n');
    expect(decodeAwsChunked(body).toString()).toBe('abc');
  });

  it.each([['zz\r\nabc\r\n'], ['5\r\nabc'], ['3\r\nabc\r\n']])('refuses the broken framing %j', (text) => {
    expect(() => decodeAwsChunked(Buffer.from(text))).toThrow(
      expect.objectContaining({ code: 'IncompleteBody' }),
    );
  });

  it.each([
    [{ 'content-encoding': 'aws-chunked' }, true],
    [{ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }, true],
    [{ 'content-encoding': 'gzip' }, false],
  ])('tells aws-chunked bodies from others by their headers %o', (headers, expected) => {
    expect(isAwsChunked(headers)).toBe(expected);
  });
});
