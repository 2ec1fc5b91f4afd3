import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../cloud/service.ts';

/**
 * Whether a request body uses the `aws-chunked` content encoding, which the SDKs use for
 * streaming uploads with (signed or unsigned) chunks and trailing checksums.
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const sha = headers['x-amz-content-sha256'];
  return (
    (headers['content-encoding'] ?? '').includes('aws-chunked') ||
    (typeof sha === 'string' && sha.startsWith('STREAMING-'))
  );
}

/**
 * Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`)
 * into the object's bytes. Chunk signatures and trailing checksums are not verified.
 *
 * @throws AwsServiceError `IncompleteBody` when the framing is broken.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const sizeText = body.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    const size = Number.parseInt(sizeText, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeText) || Number.isNaN(size)) throw incomplete();
    if (size === 0) return Buffer.concat(chunks);
    const start = lineEnd + 2;
    if (start + size > body.length) throw incomplete();
    chunks.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
  throw incomplete();
}

function incomplete(): AwsServiceError {
  return new AwsServiceError(
    'IncompleteBody',
    'The request body is not valid aws-chunked encoding: each chunk must be `<hex size>\\r\\n<data>\\r\\n`, ending with a 0-size chunk.',
  );
}
