import type { Configuration, StackConfig } from '../../shared/domain/config/stack-config.ts';

/** A resolved stack with neutral defaults, for tests that care about a few fields. */
export function stackConfig(overrides: Partial<StackConfig> & Pick<StackConfig, 'name'>): StackConfig {
  return {
    template: `stacks/${overrides.name}.yaml`,
    parameterFile: undefined,
    parameters: {},
    outputParameters: {},
    tags: {},
    capabilities: [],
    region: 'eu-west-1',
    roleArn: undefined,
    watch: [],
    dependsOn: [],
    approval: {
      required: 1,
      approvers: [],
      allowSelfApproval: false,
      autoApprove: 'never',
      ttlSeconds: 86_400,
    },
    drift: { mode: 'report', ignore: [] },
    windows: [],
    ...overrides,
  };
}

/** A configuration of the given stacks read from `converge.yaml`. */
export function configurationOf(stacks: readonly StackConfig[]): Configuration {
  return { version: 1, file: 'converge.yaml', branch: 'main', stacks };
}
