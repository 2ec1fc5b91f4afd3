import { describe, expect, it } from 'vitest';
import {
  authorIdentity,
  parseApproverIdentity,
} from '../../../../shared/domain/approval/parse-approver-identity.ts';

describe('parseApproverIdentity', () => {
  it.each([
    ['slack:U0123ABCD', 'slack:U0123ABCD'],
    ['slack:u0123abcd', 'slack:U0123ABCD'],
    ['  Slack:W0A1B2C3  ', 'slack:W0A1B2C3'],
    ['github:alice', 'github:alice'],
    ['github:Alice-Smith', 'github:alice-smith'],
    ['GITHUB:@Alice', 'github:alice'],
    ['github:dependabot[bot]', 'github:dependabot[bot]'],
    ['cli:Alice@example.com', 'cli:alice@example.com'],
    ['AWS:arn:aws:iam::123456789012:user/Alice', 'aws:arn:aws:iam::123456789012:user/Alice'],
    [
      'aws:arn:aws:sts::123456789012:assumed-role/Admin/alice',
      'aws:arn:aws:sts::123456789012:assumed-role/Admin/alice',
    ],
  ])('normalises %s to %s', (text, identity) => {
    expect(parseApproverIdentity(text)).toEqual({ ok: true, identity });
  });

  it.each([
    ['alice', 'names its provider'],
    ['email:alice@example.com', 'Unknown approver provider'],
    ['slack:alice', 'not a Slack user id'],
    ['slack:', 'not a Slack user id'],
    ['github:-alice', 'not a GitHub login'],
    ['github:al--ice', 'not a GitHub login'],
    ['github:alice smith', 'not a GitHub login'],
    [`github:${'a'.repeat(40)}`, 'not a GitHub login'],
    ['cli:', 'not a CLI user name'],
    ['cli:alice smith', 'not a CLI user name'],
    ['aws:alice', 'not an AWS principal ARN'],
    ['aws:arn:aws:iam::12345:user/alice', 'not an AWS principal ARN'],
    ['aws:arn:aws:s3:::bucket', 'not an AWS principal ARN'],
  ])('rejects %s, saying what is wrong', (text, words) => {
    const result = parseApproverIdentity(text);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(words);
  });
});

describe('authorIdentity', () => {
  it.each([
    ['Alice', 'github:alice'],
    ['github:alice', 'github:alice'],
    ['slack:U0123', 'slack:U0123'],
    ['Alice Smith', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads author %s as %s', (author, identity) => {
    expect(authorIdentity(author)).toBe(identity);
  });
});
