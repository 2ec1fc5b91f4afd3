import type { ApproverIdentity } from './approval.ts';

/** The result of reading an approver identity: normalised, or a message saying how to fix it. */
export type ApproverIdentityResult =
  | { readonly ok: true; readonly identity: ApproverIdentity }
  | { readonly ok: false; readonly message: string };

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const GITHUB_LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}(?:\[bot\])?$/;
const CLI_USER = /^[a-z0-9._@+=,-]{1,128}$/;
/** An IAM user or role, or an STS assumed-role session, as `sts:GetCallerIdentity` reports it. */
const AWS_PRINCIPAL =
  /^arn:aws(?:-[a-z]+)*:(?:iam::\d{12}:(?:user|role)\/[\w+=,.@/-]{1,512}|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64})$/;

/**
 * Reads `slack:U0123`, `github:alice`, `cli:alice` or `aws:<principal ARN>` into its one normal
 * form, so the same person is always the same string: the provider is lower case, GitHub logins
 * and CLI users are case-insensitive (lower-cased), Slack user ids are upper case, AWS principal
 * ARNs are kept as `sts:GetCallerIdentity` reports them (`converge approve` against AWS votes as
 * the caller's principal).
 *
 * @example
 * ```ts
 * parseApproverIdentity('GitHub:Alice'); // { ok: true, identity: 'github:alice' }
 * parseApproverIdentity('alice'); // { ok: false, message: 'An approver identity names its provider ...' }
 * ```
 */
export function parseApproverIdentity(text: string): ApproverIdentityResult {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 0) {
    return fail(
      `An approver identity names its provider: slack:U0123, github:alice, cli:alice or aws:arn:aws:iam::123456789012:user/alice; got "${trimmed}".`,
    );
  }
  const provider = trimmed.slice(0, colon).toLowerCase();
  const id = trimmed.slice(colon + 1).trim();
  switch (provider) {
    case 'slack': {
      const user = id.toUpperCase();
      return SLACK_USER.test(user)
        ? { ok: true, identity: `slack:${user}` }
        : fail(
            `"${id}" is not a Slack user id; use the member id from the user's profile, like slack:U0123ABCD.`,
          );
    }
    case 'github': {
      const login = id.replace(/^@/, '').toLowerCase();
      return GITHUB_LOGIN.test(login)
        ? { ok: true, identity: `github:${login}` }
        : fail(
            `"${id}" is not a GitHub login (letters, digits and single hyphens, at most 39), e.g. github:alice.`,
          );
    }
    case 'cli': {
      const user = id.toLowerCase();
      return CLI_USER.test(user)
        ? { ok: true, identity: `cli:${user}` }
        : fail(`"${id}" is not a CLI user name (letters, digits and . _ @ + = , -), e.g. cli:alice.`);
    }
    case 'aws':
      return AWS_PRINCIPAL.test(id)
        ? { ok: true, identity: `aws:${id}` }
        : fail(
            `"${id}" is not an AWS principal ARN; use the Arn that \`aws sts get-caller-identity\` prints, like aws:arn:aws:iam::123456789012:user/alice.`,
          );
    default:
      return fail(
        `Unknown approver provider "${provider}" in "${trimmed}"; use slack:, github:, cli: or aws:.`,
      );
  }
}

/**
 * The approver identity of a deployment's author. Converge records the author as a GitHub
 * login (`alice`) or as an identity (`github:alice`); anything else (a commit author's display
 * name) names nobody who could vote, so it yields `undefined`.
 */
export function authorIdentity(author: string | undefined): ApproverIdentity | undefined {
  if (author === undefined || author.trim() === '') return undefined;
  const parsed = parseApproverIdentity(author.includes(':') ? author : `github:${author}`);
  return parsed.ok ? parsed.identity : undefined;
}

function fail(message: string): ApproverIdentityResult {
  return { ok: false, message };
}
