import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';
import { accountPermission } from '../../../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../../../shared/domain/policy/parse-policy.ts';

const BASE = `version: 1
repositories:
  acme/infra: { branches: [main], stacks: ["*"] }
approvers: ["github:alice"]
`;

function problems(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigurationError)
      return error.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
    throw error;
  }
  return [];
}
const policyProblems = (text: string) => problems(() => parsePolicy(text, { file: 'policy.yaml' }));
const configProblems = (text: string) => problems(() => parseConfiguration(text, { file: 'converge.yaml' }));

describe('the policy’s accounts', () => {
  it('reads each account with its role, external id and service role', () => {
    const policy = parsePolicy(
      `${BASE}accounts:
  "111111111111":
    roleArn: arn:aws:iam::111111111111:role/converge-deploy
    externalId: converge-prod
    serviceRoleArn: arn:aws:iam::111111111111:role/converge-cloudformation
  "012345678901": { roleArn: "arn:aws:iam::012345678901:role/converge-deploy", externalId: "x-1" }
`,
      { file: 'policy.yaml' },
    );
    expect(policy.accounts).toEqual([
      {
        id: '111111111111',
        roleArn: 'arn:aws:iam::111111111111:role/converge-deploy',
        externalId: 'converge-prod',
        serviceRoleArn: 'arn:aws:iam::111111111111:role/converge-cloudformation',
      },
      { id: '012345678901', roleArn: 'arn:aws:iam::012345678901:role/converge-deploy', externalId: 'x-1' },
    ]);
  });

  it('lists no account by default: every stack stays in Converge’s own account', () => {
    expect(parsePolicy(BASE, { file: 'policy.yaml' }).accounts).toEqual([]);
  });

  it.each([
    [
      'a role in another account',
      '  "111111111111": { roleArn: "arn:aws:iam::222222222222:role/d", externalId: abc }',
      'the role is in account 222222222222, not 111111111111',
    ],
    [
      'an account id that is not 12 digits',
      '  "1111": { roleArn: "arn:aws:iam::111111111111:role/d", externalId: abc }',
      '12-digit',
    ],
    ['no external id', '  "111111111111": { roleArn: "arn:aws:iam::111111111111:role/d" }', 'externalId'],
    [
      'a typo in a key',
      '  "111111111111": { roleArn: "arn:aws:iam::111111111111:role/d", externalId: abc, externalID: abc }',
      'externalID',
    ],
  ])('refuses %s, saying where', (_what, line, message) => {
    const found = policyProblems(`${BASE}accounts:\n${line}\n`);
    expect(found.join('\n')).toContain(message);
    expect(found[0]).toMatch(/^\d+:\d+ /);
  });

  it('allows stacks without an account and those in a listed account; refuses others with what to do', () => {
    const policy = parsePolicy(
      `${BASE}accounts:\n  "111111111111": { roleArn: "arn:aws:iam::111111111111:role/d", externalId: abc }\n`,
      { file: 'policy.yaml' },
    );
    expect(accountPermission(policy, 'app', undefined)).toEqual({ allowed: true });
    expect(accountPermission(policy, 'app', '111111111111')).toEqual({ allowed: true });
    const refused = accountPermission(policy, 'app', '222222222222');
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toMatch(
      /targets account 222222222222.*lists 111111111111.*Add the account/,
    );
  });
});

describe('converge.yaml account', () => {
  const yaml = (stack: string, defaults = '') =>
    `version: 1\ndefaults: { region: eu-west-1${defaults} }\nstacks:\n  - name: app\n    template: app.yaml\n${stack}`;

  it('reads the account as written, leading zero and all, from the stack or the defaults', () => {
    expect(
      parseConfiguration(yaml('    account: 012345678901\n'), { file: 'c.yaml' }).stacks[0]?.account,
    ).toBe('012345678901');
    expect(
      parseConfiguration(yaml('', ', account: "111111111111"'), { file: 'c.yaml' }).stacks[0]?.account,
    ).toBe('111111111111');
    expect(parseConfiguration(yaml(''), { file: 'c.yaml' }).stacks[0]?.account).toBeUndefined();
  });

  it('refuses an account that is not 12 digits', () => {
    expect(configProblems(yaml('    account: "12345"\n')).join('\n')).toContain('12-digit AWS account id');
  });

  it('refuses a service role of another account than the stack’s', () => {
    const found = configProblems(
      yaml('    account: "111111111111"\n    roleArn: arn:aws:iam::222222222222:role/cfn\n'),
    );
    expect(found.join('\n')).toContain(
      'is in account 111111111111 but its roleArn is a role of account 222222222222',
    );
  });
});
