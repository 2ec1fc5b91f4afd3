/**
 * Keeps secrets out of everything Converge prints. Two nets, both applied to every log
 * record and every HTTP error body:
 *
 * 1. **By key**: values under keys that name a credential (`authorization`, `x-hub-signature-256`,
 *    `x-slack-signature`, `*secret`, `*token`, `*password`, `privateKey`, ...) become `[REDACTED]`.
 * 2. **By value**: every secret Converge loads (from Secrets Manager or a local setting) is
 *    registered here, and any string that contains one has it replaced; well-known token
 *    shapes (GitHub and Slack tokens, PEM private keys) are replaced even when unregistered.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not matched by value: they would redact ordinary words. */
const MIN_REGISTERED_LENGTH = 8;

const registered = new Set<string>();

/**
 * Key names whose values are credentials. Compared after lower-casing and dropping
 * everything but letters and digits, so `X-Hub-Signature-256`, `x_hub_signature_256` and
 * `xHubSignature256` are one key. `secretArn` or `tokenUrl` do not match: they end otherwise.
 */
const SENSITIVE_KEY =
  /(authorization|cookie|secret|token|password|passphrase|privatekey|signature|signature256|apikey|credentials?)$/;

/** Token shapes that are secrets wherever they appear. */
const SECRET_SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bsha256=[0-9a-f]{64}\b/g,
  /\bv0=[0-9a-f]{64}\b/g,
];

/**
 * Registers a secret value so that it is redacted wherever it later appears in output.
 * `secrets.ts` and `config.ts` call this for every secret they hand out.
 */
export function registerSecretValue(value: string): void {
  if (value.length >= MIN_REGISTERED_LENGTH) registered.add(value);
}

/** Whether a key names a credential (see {@link SENSITIVE_KEY}). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** Replaces registered secrets and known token shapes inside a string. */
export function redactString(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/**
 * A `JSON.stringify` replacer applying both nets; the logger uses it for every record.
 *
 * @example
 * JSON.stringify({ headers: { authorization: 'Bearer x' } }, redactingReplacer) // {"headers":{"authorization":"[REDACTED]"}}
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveKey(key) && value !== undefined && value !== null && value !== '') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactString(value);
  return value;
}
