/**
 * Why a resource change raised the risk of a change set (`ResourceChangeSummary.flags`).
 * Reviewers see these words in Slack and on the pull request.
 */
export const ChangeFlag = {
  /** Action Remove: the resource leaves the stack. */
  REMOVAL: 'removal',
  /** Replacement True: a new physical resource replaces the old one. */
  REPLACEMENT: 'replacement',
  /** Replacement Conditional: replaced only if a dynamic value changes. */
  CONDITIONAL_REPLACEMENT: 'conditional-replacement',
  /** Action Dynamic: CloudFormation cannot tell what happens until execution. */
  DYNAMIC: 'dynamic',
  /** Action Import: an existing resource is brought under the stack. */
  IMPORT: 'import',
  /** A nested stack changes: its own change set may hide any kind of change. */
  NESTED_STACK: 'nested-stack',
  /** An action this version of Converge does not know; treated as needing review. */
  UNKNOWN_ACTION: 'unknown-action',
  /** PolicyAction Delete / ReplaceAndDelete: the old physical resource is deleted. */
  DELETES: 'deletes',
  /** PolicyAction Retain / ReplaceAndRetain: the old physical resource is kept, outside the stack. */
  RETAINS: 'retains',
  /** PolicyAction Snapshot / ReplaceAndSnapshot: a snapshot is taken, then the resource is deleted. */
  SNAPSHOTS: 'snapshots',
  /** AWS::IAM::* and AWS::SSO::*: who may do what. */
  IAM: 'iam',
  /** Security groups and their ingress / egress rules, network ACLs. */
  NETWORK_SECURITY: 'network-security',
  /** AWS::KMS::*: keys, key policies, aliases. */
  KMS: 'kms',
  /** Resource-based policies (bucket, queue, topic, Lambda permissions, ...). */
  RESOURCE_POLICY: 'resource-policy',
  /** AWS::SecretsManager::*: secrets, rotation, their policies. */
  SECRETS: 'secrets',
  /** Custom::* and AWS::CloudFormation::CustomResource: code of the template's choosing runs. */
  CUSTOM_RESOURCE: 'custom-resource',
  /** No other flag applies, but the change is not on the safe list (see `unsafe`). */
  NOT_ON_SAFE_LIST: 'not-on-safe-list',
} as const;
export type ChangeFlag = (typeof ChangeFlag)[keyof typeof ChangeFlag];

const SECURITY_FLAGS: ReadonlySet<string> = new Set([
  ChangeFlag.IAM,
  ChangeFlag.NETWORK_SECURITY,
  ChangeFlag.KMS,
  ChangeFlag.RESOURCE_POLICY,
  ChangeFlag.SECRETS,
]);

/** Whether `flag` marks a security-sensitive change (counted in `ChangeSetSummary.security`). */
export function isSecurityFlag(flag: string): boolean {
  return SECURITY_FLAGS.has(flag);
}
