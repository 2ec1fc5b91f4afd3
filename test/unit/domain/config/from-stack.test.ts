import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../shared/domain/config/configuration-error.ts';
import { parseConfiguration } from '../../../../shared/domain/config/parse-configuration.ts';

const FILE = 'converge.yaml';

/** converge.yaml with a network stack and an app stack whose inline parameters are `parameters`. */
function yaml(parameters: string, appExtra = ''): string {
  return [
    'version: 1',
    'defaults: { region: eu-west-1 }',
    'stacks:',
    '  - name: app-prod',
    '    template: stacks/app.yaml',
    `    parameters: ${parameters}`,
    ...(appExtra ? [appExtra] : []),
    '  - name: network-prod',
    '    template: stacks/network.yaml',
    '',
  ].join('\n');
}

function messagesOf(text: string): string[] {
  try {
    parseConfiguration(text, { file: FILE });
  } catch (error) {
    if (error instanceof ConfigurationError)
      return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('parameters taken from another stack (fromStack)', () => {
  it('keeps them apart from the values and makes the stack depend on that stack', () => {
    const config = parseConfiguration(
      yaml(
        '{ Replicas: 3, VpcId: { fromStack: network-prod, output: VpcId } }',
        '    dependsOn: [network-prod]',
      ),
      { file: FILE },
    );
    const app = config.stacks.find((s) => s.name === 'app-prod');
    expect(app?.parameters).toEqual({ Replicas: '3' });
    expect(app?.outputParameters).toEqual({ VpcId: { fromStack: 'network-prod', output: 'VpcId' } });
    expect(app?.dependsOn).toEqual(['network-prod']);
  });

  it('adds fromStack to dependsOn when dependsOn does not name it', () => {
    const config = parseConfiguration(yaml('{ VpcId: { fromStack: network-prod, output: VpcId } }'), {
      file: FILE,
    });
    expect(config.stacks[0]?.dependsOn).toEqual(['network-prod']);
  });

  it.each([
    [
      '{ VpcId: { fromStack: netwrk-prod, output: VpcId } }',
      'stacks.0.parameters.VpcId.fromStack: no stack named "netwrk-prod"; did you mean "network-prod"?',
    ],
    [
      '{ VpcId: { fromStack: app-prod, output: VpcId } }',
      'stacks.0.parameters.VpcId.fromStack: stack "app-prod" cannot take a parameter from its own outputs',
    ],
    [
      '{ VpcId: { fromStack: network-prod, outptu: VpcId } }',
      'stacks.0.parameters.VpcId: unknown key "outptu"; a parameter taken from another stack has only fromStack and output',
    ],
    [
      '{ VpcId: { fromStack: network-prod } }',
      'stacks.0.parameters.VpcId: missing output; write { fromStack: <stack name>, output: <output name> }',
    ],
    [
      '{ VpcId: { fromStack: network-prod, output: "Vpc-Id" } }',
      'stacks.0.parameters.VpcId: output must be an output name: letters and digits only',
    ],
  ])('refuses %s', (parameters, message) => {
    expect(messagesOf(yaml(parameters))).toEqual([message]);
  });

  it('reports a cycle made through fromStack', () => {
    const text = [
      'version: 1',
      'defaults: { region: eu-west-1 }',
      'stacks:',
      '  - { name: a, template: a.yaml, parameters: { X: { fromStack: b, output: X } } }',
      '  - { name: b, template: b.yaml, dependsOn: [a] }',
      '',
    ].join('\n');
    expect(messagesOf(text)).toEqual([
      'stacks.0.dependsOn: dependency cycle a → b → a; remove one of these dependsOn entries (or fromStack parameters)',
    ]);
  });
});
