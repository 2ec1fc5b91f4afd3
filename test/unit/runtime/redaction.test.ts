import { describe, expect, it } from 'vitest';
import {
  isSensitiveKey,
  REDACTED,
  redactString,
  registerSecretValue,
} from '../../../shared/runtime/redaction.ts';

describe('isSensitiveKey', () => {
  it.each([
    ['Authorization', true],
    ['X-Hub-Signature-256', true],
    ['x-hub-signature', true],
    ['X-Slack-Signature', true],
    ['webhookSecret', true],
    ['signing_secret', true],
    ['botToken', true],
    ['privateKey', true],
    ['Cookie', true],
    ['secretArn', false],
    ['stackName', false],
    ['X-GitHub-Delivery', false],
    ['x-slack-request-timestamp', false],
  ])('%s → %s', (key, sensitive) => {
    expect(isSensitiveKey(key)).toBe(sensitive);
  });
});

describe('redactString', () => {
  it.each([
    ['a GitHub token', `token ghs_${'a'.repeat(36)} used`],
    ['a fine-grained GitHub token', `github_pat_${'B'.repeat(40)}`],
    ['a Slack bot token', 'xoxb-1234567890-0987654321-abcdef'],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'],
    ['a GitHub signature', `sha256=${'0'.repeat(64)}`],
  ])('replaces %s', (_, text) => {
    expect(redactString(text)).toContain(REDACTED);
    expect(redactString(text)).not.toMatch(/ghs_a|github_pat_B|xoxb-1|MIIE|sha256=0/);
  });

  it('replaces every occurrence of a registered secret', () => {
    registerSecretValue('registered-secret-value');
    expect(redactString('x registered-secret-value y registered-secret-value')).toBe(
      `x ${REDACTED} y ${REDACTED}`,
    );
  });

  it('does not register values too short to be secrets', () => {
    registerSecretValue('main');
    expect(redactString('branch main')).toBe('branch main');
  });
});
