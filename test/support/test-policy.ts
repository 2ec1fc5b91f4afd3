import type { ApproverIdentity } from '../../shared/domain/approval/approval.ts';
import type { ControlPlanePolicy } from '../../shared/domain/policy/control-plane-policy.ts';

/**
 * A control-plane policy for tests, as `parsePolicy` would return it with its defaults: the named
 * repositories on `main`, any stack, `approvers` for what no trusted rule covers.
 */
export function testPolicy(
  options: {
    readonly repositories?: readonly string[];
    readonly approvers?: readonly ApproverIdentity[];
    readonly floor?: number;
    readonly autoApprove?: ControlPlanePolicy['approval']['autoApprove'];
    readonly adoption?: boolean;
    readonly forks?: ControlPlanePolicy['forks'];
    readonly people?: ControlPlanePolicy['people'];
    readonly stacks?: readonly string[];
  } = {},
): ControlPlanePolicy {
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
  };
}
