import type { ApproverIdentity } from '../../domain/approval/approval.ts';
import { type ApproverAliases, personOf } from '../../domain/approval/approver-aliases.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { trustedAliases } from './decide-approval.ts';

/** Who decides about deployments when a rule names nobody: the control-plane policy's approvers. */
export interface ControlDeps {
  readonly policy: { readonly approvers: readonly ApproverIdentity[] };
  /** The control-plane `people:`, for rules whose trusted converge.yaml has none. */
  readonly aliases?: ApproverAliases;
}

/** Why someone may not retry or cancel a deployment, in words they can act on. */
export interface ControlRefusal {
  readonly outcome: 'refused';
  readonly code: string;
  readonly message: string;
}

/**
 * Whether `who` may retry or cancel `deployment`: only someone allowed to approve its stack, by
 * the deployment's trusted approval rule, or the control-plane approvers when that rule names
 * nobody (or there is none). One person's identities count as that person (`people:`). The
 * author of the change is not excluded: a retry approves nothing and a cancel stops the change.
 *
 * @example
 * const refused = controlRefusal(deps, deployment, 'aws:arn:aws:iam::123456789012:user/alice', 'retry');
 * if (refused) return refused;
 */
export function controlRefusal(
  deps: ControlDeps,
  deployment: Deployment,
  who: ApproverIdentity,
  action: 'retry' | 'cancel' | 'override the windows of' | 'suspend' | 'resume',
): ControlRefusal | undefined {
  const named = deployment.approval?.approvers ?? [];
  const allowed = named.length > 0 ? named : deps.policy.approvers;
  const aliases = deployment.approval ? trustedAliases(deployment.approval, deps.aliases) : deps.aliases;
  const person = personOf(who, aliases);
  if (allowed.some((identity) => personOf(identity, aliases) === person)) return undefined;
  return {
    outcome: 'refused',
    code: 'NotAnApprover',
    message: `${who} may not ${action} deployment ${deployment.id}: only an approver of ${deployment.stack.stackName} may (${allowed.join(', ') || 'nobody is listed'}). Ask one of them, or have yourself added to the approvers.`,
  };
}
