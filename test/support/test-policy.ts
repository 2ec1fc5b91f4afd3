import type { ApproverIdentity } from '../../shared/domain/approval/approval.ts';
import type { ControlPlanePolicy } from '../../shared/domain/policy/control-plane-policy.ts';
import { parsePolicy } from '../../shared/domain/policy/parse-policy.ts';

/** What a test's control-plane policy says, beyond the defaults `parsePolicy` applies. */
export interface TestPolicyOptions {
  readonly repositories?: readonly string[];
  readonly approvers?: readonly ApproverIdentity[];
  readonly floor?: number;
  readonly autoApprove?: ControlPlanePolicy['approval']['autoApprove'];
  readonly adoption?: boolean;
  readonly forks?: ControlPlanePolicy['forks'];
  readonly people?: ControlPlanePolicy['people'];
  readonly stacks?: readonly string[];
  readonly accounts?: ControlPlanePolicy['accounts'];
}

/**
 * A control-plane policy for tests. Either as `parsePolicy` would return it with its defaults,
 * from options (the named repositories on `main`, any stack, `approvers` for what no trusted rule
 * covers); or parsed from YAML: the given repositories on `main` with any stack, `approvers`, and
 * whatever extra lines (`slack:`, `people:`, `forks:`) a test needs.
 */
export function testPolicy(options?: TestPolicyOptions): ControlPlanePolicy;
export function testPolicy(
  repositories: readonly string[],
  options?: { approvers?: readonly string[]; extra?: readonly string[] },
): ControlPlanePolicy;
export function testPolicy(
  first: TestPolicyOptions | readonly string[] = {},
  yamlOptions: { approvers?: readonly string[]; extra?: readonly string[] } = {},
): ControlPlanePolicy {
  if (Array.isArray(first)) {
    return parsePolicy(
      [
        'version: 1',
        'repositories:',
        ...first.map((name) => `  ${name}: { branches: [main], stacks: ["*"] }`),
        `approvers: ${JSON.stringify(yamlOptions.approvers ?? ['github:alice'])}`,
        ...(yamlOptions.extra ?? []),
        '',
      ].join('\n'),
      { file: 'policy.yaml' },
    );
  }
  const options = first as TestPolicyOptions;
  return {
    file: 'test-policy.yaml',
    repositories: (options.repositories ?? ['acme/infrastructure']).map((name) => ({
      name,
      branches: ['main'],
      stacks: [...(options.stacks ?? ['*'])],
    })),
    approvers: options.approvers ?? ['slack:U0APPROVER'],
    people: options.people ?? {},
    protectedStacks: ['CDKToolkit', 'StackSet-*'],
    approval: { floor: options.floor ?? 1, autoApprove: options.autoApprove ?? 'safe', ttlSeconds: 3600 },
    adoption: { allowed: options.adoption ?? false },
    slack: {},
    forks: options.forks ?? { previews: false },
    accounts: options.accounts ?? [],
  };
}
