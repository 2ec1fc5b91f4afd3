import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `signature` (`sha256=<hex>`) is GitHub's HMAC of the raw body with `secret`. */
export function verifyWebhookSignature(secret: string, body: string, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
