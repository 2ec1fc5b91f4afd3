import { randomBytes } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from './create-cloud-event.ts';

/** Temporary keys the local STS issues: `ASIA`, the role's account, four random characters. */
const ISSUED_KEY = /^ASIA(\d{12})[A-Z2-7]{4}$/;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A new access key id for a session in `account`, 20 characters like AWS's own temporary keys
 * (`ASIA...`). The account is spelled into the key so that every service of the local cloud knows,
 * from the SigV4 credential scope alone, which account a request acts in.
 *
 * @example
 * accountOfAccessKey(issueAccessKeyId('111111111111')); // '111111111111'
 */
export function issueAccessKeyId(account: string): string {
  const suffix = [...randomBytes(4)].map((byte) => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
  return `ASIA${account}${suffix}`;
}

/**
 * The account a request acts in: the one spelled into a key the local STS issued, or the local
 * cloud's own account (`000000000000`) for any other key, as before accounts were emulated.
 */
export function accountOfAccessKey(accessKeyId: string): string {
  return ISSUED_KEY.exec(accessKeyId)?.[1] ?? LOCAL_ACCOUNT_ID;
}
