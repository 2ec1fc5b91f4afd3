import { isTerminal } from '../../../shared/domain/deployment/deployment-status.ts';
import { type E2e, type E2eRepository, REGION, template } from '../../e2e/support/e2e-harness.ts';

/** What became of one bad configuration. */
export interface ConfigurationOutcome {
  readonly name: string;
  readonly refused: boolean;
  /** The validation error, or what happened instead. */
  readonly what: string;
}

const yaml = (name: string, lines: readonly string[]) =>
  [
    'version: 1',
    'defaults:',
    `  region: ${REGION}`,
    '  branch: main',
    'stacks:',
    `  - name: ${name}`,
    ...lines,
    '',
  ].join('\n');

/** A YAML document whose aliases expand to `levels` nested lists of nine (a "billion laughs"). */
function yamlBomb(levels: number): string {
  const out = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let l = 1; l < levels; l += 1) {
    const prev = String.fromCharCode(96 + l);
    const next = String.fromCharCode(97 + l);
    out.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return out.join('\n');
}

/** Bad configurations, each for its own stack: `[stack, files]`. */
function badConfigurations(): [string, Record<string, string>][] {
  const traversals = [
    '../../../../etc/passwd',
    '/etc/passwd',
    'stacks/../../../etc/hosts',
    '..\\..\\windows\\win.ini',
    'stacks/%2e%2e/%2e%2e/etc/passwd',
    '~/.aws/credentials',
  ];
  const configurations: [string, Record<string, string>][] = [];
  traversals.forEach((path, i) => {
    configurations.push([
      `cfg-template-${i}`,
      { 'converge.yaml': yaml(`cfg-template-${i}`, [`    template: ${JSON.stringify(path)}`]) },
    ]);
    configurations.push([
      `cfg-params-${i}`,
      {
        'converge.yaml': yaml(`cfg-params-${i}`, [
          `    template: stacks/cfg-params-${i}.yaml`,
          `    parameters: ${JSON.stringify(path)}`,
        ]),
        [`stacks/cfg-params-${i}.yaml`]: template('p'),
      },
    ]);
  });
  configurations.push([
    'cfg-bomb',
    { 'converge.yaml': `${yamlBomb(9)}\n${yaml('cfg-bomb', ['    template: stacks/cfg-bomb.yaml'])}` },
  ]);
  configurations.push([
    'cfg-template-bomb',
    {
      'converge.yaml': yaml('cfg-template-bomb', ['    template: stacks/cfg-template-bomb.yaml']),
      'stacks/cfg-template-bomb.yaml': `${yamlBomb(9)}\n${template('bomb')}`,
    },
  ]);
  configurations.push([
    'cfg-version',
    {
      'converge.yaml': yaml('cfg-version', ['    template: stacks/x.yaml']).replace(
        'version: 1',
        'version: 99',
      ),
    },
  ]);
  configurations.push([
    'cfg-unknown-key',
    {
      'converge.yaml': yaml('cfg-unknown-key', [
        '    template: stacks/x.yaml',
        '    autoApproveEverything: true',
      ]),
    },
  ]);
  configurations.push([
    'cfg-duplicate-key',
    {
      'converge.yaml': yaml('cfg-duplicate-key', [
        '    template: stacks/x.yaml',
        '    template: stacks/y.yaml',
      ]),
    },
  ]);
  configurations.push([
    'cfg-bad-name',
    { 'converge.yaml': yaml('cfg-bad/../name', ['    template: stacks/x.yaml']) },
  ]);
  configurations.push([
    'cfg-long-name',
    { 'converge.yaml': yaml(`cfg-${'n'.repeat(200)}`, ['    template: stacks/x.yaml']) },
  ]);
  configurations.push(['cfg-not-yaml', { 'converge.yaml': 'stacks: [\n  - name: "unterminated\n' }]);
  configurations.push([
    'cfg-bad-template',
    {
      'converge.yaml': yaml('cfg-bad-template', ['    template: stacks/cfg-bad-template.yaml']),
      'stacks/cfg-bad-template.yaml': 'Resources: [ {',
    },
  ]);
  return configurations;
}

/**
 * Pushes each bad configuration and reads how it was refused: the delivery answered "cannot be
 * used" (nothing planned), or the stack's deployment ended PLAN_FAILED with a reason. Then one
 * good configuration whose parameter value tries to forge a log line, which plans as usual.
 */
export async function hostileConfigurations(
  e2e: E2e,
  repo: E2eRepository,
  injected: string,
): Promise<ConfigurationOutcome[]> {
  const outcomes: ConfigurationOutcome[] = [];
  for (const [name, files] of badConfigurations()) {
    const pushed = await repo.push(files, { send: false });
    const response = await e2e.deliver('push', JSON.parse(pushed.body));
    const answer = (await response.json().catch(() => ({}))) as { outcome?: string; reason?: string };
    const deployments = await e2e.waitFor(
      async () => ({ list: await e2e.deployments(name), idle: e2e.host.idle() }),
      (d) => d.idle && d.list.every((x) => isTerminal(x.status)),
      `the configuration ${name} to be handled`,
    );
    const failed = deployments.list.filter(
      (d) => d.status === 'PLAN_FAILED' && (d.reason?.message ?? '').length > 0,
    );
    const told = answer.outcome === 'ignored' && (answer.reason ?? '').includes('cannot be used');
    const refused =
      (deployments.list.length === 0 && told) ||
      (deployments.list.length > 0 && failed.length === deployments.list.length);
    outcomes.push({
      name,
      refused,
      what: refused
        ? (failed[0]?.reason?.message ?? answer.reason ?? '')
        : `${response.status} ${answer.reason ?? ''}; deployments: ${deployments.list.map((d) => d.status).join(', ') || 'none'}; told: ${told}`,
    });
  }
  outcomes.push(...(await trustAttempts(e2e, repo)));
  // A valid configuration whose parameter value carries a forged log line: planned as usual.
  const value = `ok\n${injected} parameter\r\n`;
  await repo.push({
    'converge.yaml': yaml('cfg-injection', [
      '    template: stacks/cfg-injection.yaml',
      '    parameters: stacks/cfg-injection.json',
    ]),
    'stacks/cfg-injection.yaml': ['Parameters:', '  Note:', '    Type: String', template('x')]
      .join('\n')
      .replace('Value: "x"', 'Value: !Ref Note'),
    'stacks/cfg-injection.json': JSON.stringify([{ ParameterKey: 'Note', ParameterValue: value }]),
  });
  await e2e.waitFor(
    () => e2e.deployments('cfg-injection'),
    (list) => list.length > 0 && list.every((d) => d.status !== 'PLANNING'),
    'the configuration with a forged log line to be planned',
  );
  return outcomes;
}

/**
 * Valid configurations that try to get more than the control-plane policy gives (ARCHITECTURE.md,
 * "Trust"): a stack another repository deployed (`done`, of `acme/hostile`), and a first
 * deployment whose own `converge.yaml` asks for no approval. Refused means: the first ends
 * PLAN_FAILED with a reason, the second waits for the policy's approvers; neither executes.
 */
async function trustAttempts(e2e: E2e, repo: E2eRepository): Promise<ConfigurationOutcome[]> {
  const attempts: [string, string, Record<string, string>][] = [
    [
      'trust: a stack of another repository',
      'done',
      {
        'converge.yaml': yaml('done', ['    template: stacks/done.yaml']),
        'stacks/done.yaml': template('taken over'),
      },
    ],
    [
      'trust: a first deployment that approves itself',
      'cfg-self-approved',
      {
        'converge.yaml': yaml('cfg-self-approved', [
          '    template: stacks/cfg-self-approved.yaml',
          '    approval: { required: 0, autoApprove: always }',
        ]),
        'stacks/cfg-self-approved.yaml': template('self'),
      },
    ],
  ];
  const outcomes: ConfigurationOutcome[] = [];
  for (const [name, stack, files] of attempts) {
    await repo.push(files);
    const mine = await e2e.waitFor(
      async () => ({
        list: (await e2e.deployments(stack)).filter((d) => d.repository === repo.name),
        idle: e2e.host.idle(),
      }),
      (d) => d.idle && d.list.length > 0 && d.list.every((x) => x.status !== 'PLANNING'),
      `the attempt "${name}" to be planned`,
    );
    const statuses = mine.list.map((d) => d.status);
    const refused = mine.list.every(
      (d) =>
        (d.status === 'PLAN_FAILED' && (d.reason?.message ?? '').length > 0) ||
        (stack !== 'done' && d.status === 'AWAITING_APPROVAL'),
    );
    outcomes.push({
      name,
      refused,
      what: `${statuses.join(', ')}: ${mine.list.map((d) => d.reason?.message ?? '').join('; ')}`,
    });
  }
  return outcomes;
}
