import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from './service.ts';

/**
 * Reads a request body into memory. A body above `limitBytes` is refused with a 413
 * `RequestEntityTooLarge`; the rest of it is drained and dropped, so the answer still
 * reaches the client.
 */
export function readBody(incoming: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    incoming.on('end', () => {
      if (size > limitBytes) reject(tooLarge(limitBytes));
      else resolve(Buffer.concat(chunks));
    });
    incoming.on('error', reject);
  });
}

function tooLarge(limitBytes: number): AwsServiceError {
  return new AwsServiceError(
    'RequestEntityTooLarge',
    `The request body is larger than the local cloud accepts (${limitBytes} bytes).`,
    { statusCode: 413 },
  );
}
