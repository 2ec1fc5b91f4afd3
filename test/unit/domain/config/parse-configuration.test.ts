import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  type ConfigurationIssue,
} from '../../../../shared/domain/config/configuration-error.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';
import { NULL_VALUES, WRITTEN_VALUES } from './written-values.ts';

const FILE = 'converge.yaml';

function issuesOf(text: string): readonly ConfigurationIssue[] {
  try {
    parseConfiguration(text, { file: FILE });
  } catch (error) {
    if (error instanceof ConfigurationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

const VALID = `version: 1
defaults:
  region: eu-west-1
  branch: release
  approval: { required: 1, autoApprove: safe, approvers: ["github:bob"] }
  drift: { mode: report, ignore: ["Bucket"] }
  tags: { owner: platform, cost: 42 }
  capabilities: [CAPABILITY_IAM]
  roleArn: arn:aws:iam::123456789012:role/converge-deploy
stacks:
  - name: network-prod
    template: ./stacks/network.yaml
    parameters: stacks/network.prod.json
    tags: { team: net }
    watch: ["stacks/network/**"]
    approval: { required: 2, approvers: ["slack:U0123ABC", "github:alice"], ttl: 1h30m }
    drift: { mode: revert, ignore: ["Queue/Properties/VisibilityTimeout"] }
  - name: app
    template: stacks/app.yaml
    parameters: { Env: prod, Port: 8080, Debug: false }
    region: us-east-1
    capabilities: [CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND]
    dependsOn: [network-prod]
`;

describe('parseConfiguration', () => {
  const config = parseConfiguration(VALID, { file: FILE });
  const [network, app] = config.stacks;

  it('keeps the file and the branch from defaults', () => {
    expect(config.file).toBe(FILE);
    expect(config.branch).toBe('release');
  });

  it('normalises paths and keeps a parameter file apart from inline parameters', () => {
    expect(network?.template).toBe('stacks/network.yaml');
    expect(network?.parameterFile).toBe('stacks/network.prod.json');
    expect(network?.parameters).toEqual({});
    expect(app?.parameterFile).toBeUndefined();
    expect(app?.parameters).toEqual({ Env: 'prod', Port: '8080', Debug: 'false' });
  });

  it('merges approval over defaults and built-ins into an ApprovalRequirement', () => {
    expect(network?.approval).toEqual({
      required: 2,
      approvers: ['slack:U0123ABC', 'github:alice'],
      allowSelfApproval: false,
      autoApprove: 'safe',
      ttlSeconds: 5400,
    });
    expect(app?.approval).toEqual({
      required: 1,
      approvers: ['github:bob'],
      allowSelfApproval: false,
      autoApprove: 'safe',
      ttlSeconds: 86_400,
    });
  });

  it('merges drift, tags, capabilities, region and role from defaults', () => {
    expect(network?.drift).toEqual({ mode: 'revert', ignore: ['Queue/Properties/VisibilityTimeout'] });
    expect(app?.drift).toEqual({ mode: 'report', ignore: ['Bucket'] });
    expect(network?.tags).toEqual({ owner: 'platform', cost: '42', team: 'net' });
    expect(network?.capabilities).toEqual(['CAPABILITY_IAM']);
    expect(app?.capabilities).toEqual(['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
    expect(network?.region).toBe('eu-west-1');
    expect(app?.region).toBe('us-east-1');
    expect(app?.roleArn).toBe('arn:aws:iam::123456789012:role/converge-deploy');
    expect(app?.dependsOn).toEqual(['network-prod']);
  });

  it('uses built-in defaults when there are no defaults', () => {
    const minimal = parseConfiguration(
      'version: 1\nstacks:\n  - { name: a, template: a.yaml, region: eu-west-1 }\n',
      {
        file: FILE,
      },
    );
    expect(minimal.branch).toBe('main');
    expect(minimal.stacks[0]?.approval).toEqual({
      required: 1,
      approvers: [],
      allowSelfApproval: false,
      autoApprove: 'never',
      ttlSeconds: 86_400,
    });
    expect(minimal.stacks[0]?.drift).toEqual({ mode: 'report', ignore: [] });
  });

  const stack = (extra: string) =>
    `version: 1\nstacks:\n  - name: app\n    template: app.yaml\n    region: eu-west-1\n${extra}`;

  describe('keeps parameter and tag values as written', () => {
    it.each(WRITTEN_VALUES)('%s as an inline parameter', (written, expected) => {
      const parsed = parseConfiguration(stack(`    parameters:\n      Value: ${written}\n`), { file: FILE });
      expect(parsed.stacks[0]?.parameters).toEqual({ Value: expected });
    });

    it.each(WRITTEN_VALUES)('%s as a stack tag and a default tag', (written, expected) => {
      const text = `version: 1\ndefaults:\n  tags: { inherited: ${written} }\nstacks:\n  - name: app\n    template: app.yaml\n    region: eu-west-1\n    tags:\n      own: ${written}\n`;
      expect(parseConfiguration(text, { file: FILE }).stacks[0]?.tags).toEqual({
        inherited: expected,
        own: expected,
      });
    });

    it('reads the rest of the file with the YAML core schema', () => {
      const text = stack('    approval: { required: 2, allowSelfApproval: true }\n    tags: { n: 2 }\n');
      const [parsed] = parseConfiguration(text, { file: FILE }).stacks;
      expect(parsed?.approval).toMatchObject({ required: 2, allowSelfApproval: true });
      expect(parsed?.tags).toEqual({ n: '2' });
    });

    it('reads a value through an alias as written without changing the anchor', () => {
      const text = `version: 1\ndefaults: { region: eu-west-1, approval: { required: &n 02 } }\nstacks:\n  - name: app\n    template: app.yaml\n    parameters: { Count: *n }\n`;
      const [parsed] = parseConfiguration(text, { file: FILE }).stacks;
      expect(parsed?.parameters).toEqual({ Count: '02' });
      expect(parsed?.approval.required).toBe(2);
    });

    it.each(NULL_VALUES)(
      'refuses the null %j with its position and how to write an empty value',
      (written) => {
        const [issue] = issuesOf(stack(`    parameters:\n      Value: ${written}\n`));
        expect(issue?.message).toMatch(/has no value .*write "" for an empty value/);
        expect(issue?.line).toBe(7);
      },
    );
  });

  it.each([
    ['a wrong version', 'version: 2\nstacks: []\n', 1, 10, 'version', 'must be 1'],
    [
      'a typo in a top-level key',
      'version: 1\nstack: []\n',
      2,
      1,
      'stack',
      'unknown key "stack"; did you mean "stacks"?',
    ],
    [
      'a typo in a stack key',
      stack('    tempalte: x.yaml\n'),
      6,
      5,
      'stacks[0].tempalte',
      'did you mean "template"?',
    ],
    [
      'an unknown key with no near match',
      stack('    colour: red\n'),
      6,
      5,
      'stacks[0].colour',
      'known keys are name, template',
    ],
    [
      'a typo in approval',
      stack('    approval: { requierd: 2 }\n'),
      6,
      17,
      'stacks[0].approval.requierd',
      'did you mean "required"?',
    ],
    [
      'a missing template',
      'version: 1\nstacks:\n  - name: app\n    region: eu-west-1\n',
      3,
      5,
      'stacks[0].template',
      'missing required key "template"',
    ],
    [
      'an invalid stack name',
      stack('').replace('name: app', 'name: my_app'),
      3,
      11,
      'stacks[0].name',
      'stack name "my_app" is not valid: use letters, digits and hyphens, start with a letter',
    ],
    [
      'a stack name starting with a digit',
      stack('').replace('name: app', 'name: 1app'),
      3,
      11,
      'stacks[0].name',
      'is not valid',
    ],
    [
      'a stack name over 128 characters',
      stack('').replace('name: app', `name: a${'b'.repeat(128)}`),
      3,
      11,
      'stacks[0].name',
      'at most 128 characters',
    ],
    [
      'a template escaping the repository',
      stack('').replace('app.yaml', '../app.yaml'),
      4,
      15,
      'stacks[0].template',
      'climb above the repository root',
    ],
    [
      'an absolute parameter file',
      stack('    parameters: /etc/x.json\n'),
      6,
      17,
      'stacks[0].parameters',
      'must be a path to a parameter file, or a map',
    ],
    [
      'an unknown capability',
      stack('    capabilities: [CAPABILITY_ROOT]\n'),
      6,
      20,
      'stacks[0].capabilities[0]',
      'must be one of CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND',
    ],
    [
      'a malformed role ARN',
      stack('    roleArn: arn:aws:iam::12:role/x\n'),
      6,
      14,
      'stacks[0].roleArn',
      'must be an IAM role ARN',
    ],
    [
      'a malformed region',
      stack('').replace('eu-west-1', 'Ireland'),
      5,
      13,
      'stacks[0].region',
      'must be an AWS Region code',
    ],
    [
      'a malformed approver',
      stack('    approval: { approvers: ["alice"] }\n'),
      6,
      29,
      'stacks[0].approval.approvers[0]',
      'approvers are "slack:<user id>"',
    ],
    [
      'a bad autoApprove',
      stack('    approval: { autoApprove: sometimes }\n'),
      6,
      30,
      'stacks[0].approval.autoApprove',
      'must be one of safe, never, always',
    ],
    [
      'a bad ttl',
      stack('    approval: { ttl: 2y }\n'),
      6,
      22,
      'stacks[0].approval.ttl',
      '"2y" is not a duration',
    ],
    [
      'a negative approval count',
      stack('    approval: { required: -1 }\n'),
      6,
      27,
      'stacks[0].approval.required',
      'must be 0 or more',
    ],
    [
      'a bad drift mode',
      stack('    drift: { mode: fix }\n'),
      6,
      20,
      'stacks[0].drift.mode',
      'must be one of report, revert, revert-auto',
    ],
    [
      'a glob escaping the repository',
      stack('    watch: ["../**"]\n'),
      6,
      13,
      'stacks[0].watch[0]',
      'must be relative to the repository root',
    ],
    [
      'a reserved tag key',
      stack('    tags: { "aws:x": y }\n'),
      6,
      22,
      'stacks[0].tags["aws:x"]',
      'must not start with "aws:"',
    ],
    [
      'a dependsOn naming no stack',
      stack('    dependsOn: [netwrk]\n  - { name: network, template: n.yaml, region: eu-west-1 }\n'),
      6,
      17,
      'stacks[0].dependsOn[0]',
      'no stack named "netwrk"; did you mean "network"?',
    ],
    [
      'a stack depending on itself',
      stack('    dependsOn: [app]\n'),
      6,
      17,
      'stacks[0].dependsOn[0]',
      'cannot depend on itself',
    ],
    [
      'a duplicate stack name',
      stack('  - { name: app, template: b.yaml, region: eu-west-1 }\n'),
      6,
      13,
      'stacks[1].name',
      'stack "app" is already defined at stacks[0]',
    ],
    [
      'a stack with no region',
      'version: 1\nstacks:\n  - name: app\n    template: app.yaml\n',
      3,
      5,
      'stacks[0]',
      'has no region; set region on the stack or in defaults',
    ],
    ['invalid YAML', 'version: 1\nstacks: [\n', 3, 1, '(document)', 'invalid YAML'],
    [
      'a document that is not a map',
      '- a\n',
      1,
      1,
      '(document)',
      'must be a map with version, defaults and stacks',
    ],
  ])('reports %s', (_, text, line, column, path, message) => {
    const [issue] = issuesOf(text);
    expect(issue?.file).toBe(FILE);
    expect(issue?.message).toContain(message);
    expect([issue?.line, issue?.column]).toEqual([line, column]);
    expect(formatPath(issue)).toBe(path);
  });

  describe('people', () => {
    const STACKS = 'defaults: { region: eu-west-1 }\nstacks:\n  - { name: a, template: a.yaml }\n';

    it('keeps each person with their identities', () => {
      const text = `version: 1\n${STACKS}people:\n  alice: [slack:U0123ABC, github:alice]\n  bob: [cli:bob]\n`;
      expect(parseConfiguration(text, { file: FILE }).people).toEqual({
        alice: ['slack:U0123ABC', 'github:alice'],
        bob: ['cli:bob'],
      });
    });

    it('leaves people out when the file has none', () => {
      expect(parseConfiguration(`version: 1\n${STACKS}`, { file: FILE }).people).toBeUndefined();
    });

    it.each([
      ['an identity that is not one', 'alice: [alice@example.com]', 'identities are "slack:<user id>"'],
      ['a person without identities', 'alice: []', 'list at least one identity for each person'],
      [
        'an identity listed for two people',
        'alice: [github:alice]\n  bob: [github:Alice]',
        'github:alice is listed for both alice and bob',
      ],
    ])('refuses %s', (_, entries, message) => {
      const [issue] = issuesOf(`version: 1\n${STACKS}people:\n  ${entries}\n`);
      expect(issue?.message).toContain(message);
      expect(issue?.path[0]).toBe('people');
    });
  });

  it('names the cycle', () => {
    const text = `version: 1
defaults: { region: eu-west-1 }
stacks:
  - { name: a, template: a.yaml, dependsOn: [b] }
  - { name: b, template: b.yaml, dependsOn: [c] }
  - { name: c, template: c.yaml, dependsOn: [a] }
`;
    const [issue] = issuesOf(text);
    expect(issue?.message).toBe(
      'dependency cycle a → b → c → a; remove one of these dependsOn entries (or fromStack parameters)',
    );
    expect(issue?.path).toEqual(['stacks', 0, 'dependsOn']);
    expect(issue?.line).toBe(4);
  });

  it('collects every problem, sorted by position, counting a typo once', () => {
    const text = 'version: 1\nstacks:\n  - name: x_y\n    tempalte: a.yaml\n    region: nowhere\n';
    expect(issuesOf(text).map((issue) => issue.line)).toEqual([3, 4, 5]);
  });

  it('formats issues as file:line:column path: message', () => {
    expect(() => parseConfiguration('version: 1\nstack: []\n', { file: FILE })).toThrow(
      'converge.yaml:2:1 stack: unknown key "stack"; did you mean "stacks"?',
    );
  });

  it('rejects a file over 1 MiB before parsing it', () => {
    const [issue] = issuesOf(`version: 1\nstacks: []\n#${'x'.repeat(1_048_576)}\n`);
    expect(issue?.message).toContain('more than the 1048576-byte limit');
    expect([issue?.line, issue?.column]).toEqual([1, 1]);
  });

  it('rejects a YAML alias bomb without expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const [issue] = issuesOf(`version: 1\nstacks: []\n${lines.join('\n')}\n`);
    expect(issue?.message).toContain('YAML aliases expand too much');
  });
});

function formatPath(issue: ConfigurationIssue | undefined): string {
  return issue ? (JSON.stringify(issue.path) === '[]' ? '(document)' : formatted(issue.path)) : '';
}

function formatted(path: readonly (string | number)[]): string {
  return path
    .map((s, i) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_][\w-]*$/.test(s)
          ? i === 0
            ? s
            : `.${s}`
          : `[${JSON.stringify(s)}]`,
    )
    .join('');
}
