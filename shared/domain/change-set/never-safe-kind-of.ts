import { securityFlagOf } from './security-flag-of.ts';

/**
 * Kinds of resource that are never auto-approved, with the words a reviewer reads. Any type not
 * on the safe list is unsafe already; naming the kind says why it can never be added there.
 */
const KINDS: readonly (readonly [(type: string) => boolean, string])[] = [
  [
    (t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource',
    'custom resources (they run code of the template’s choosing)',
  ],
  [(t) => t === 'AWS::CloudFormation::Stack', 'nested stacks'],
  [(t) => t.startsWith('AWS::CloudFormation::StackSet'), 'StackSets'],
  [(t) => t === 'AWS::CloudFormation::Macro', 'macros'],
  [(t) => t.startsWith('AWS::IAM::') || t.startsWith('AWS::SSO::'), 'IAM resources'],
  [(t) => t.startsWith('AWS::KMS::'), 'KMS keys and aliases'],
  [(t) => securityFlagOf(t) === 'network-security', 'security groups and network ACLs'],
  [(t) => securityFlagOf(t) === 'resource-policy' || /Policy$/.test(t), 'resource policies'],
  [(t) => t.startsWith('AWS::SecretsManager::'), 'secrets'],
  [(t) => t.startsWith('AWS::Lambda::'), 'Lambda code and configuration'],
  [(t) => t.startsWith('AWS::StepFunctions::'), 'Step Functions state machines'],
  [(t) => t === 'AWS::EC2::Instance' || t === 'AWS::EC2::LaunchTemplate', 'EC2 instances'],
  [(t) => t === 'AWS::SSM::Document' || t === 'AWS::SSM::Association', 'SSM documents'],
  [
    (t) => t.startsWith('AWS::Events::') || t.startsWith('AWS::Scheduler::'),
    'EventBridge rules and schedules',
  ],
];

/**
 * The kind of resource that is never safe to auto-approve, or `undefined` for other types
 * (which are still unsafe unless the safe list names them).
 *
 * @example
 * ```ts
 * neverSafeKindOf('Custom::Seeder'); // 'custom resources (they run code of the template’s choosing)'
 * neverSafeKindOf('AWS::S3::BucketPolicy'); // 'resource policies'
 * neverSafeKindOf('AWS::SQS::Queue'); // undefined
 * ```
 */
export function neverSafeKindOf(resourceType: string): string | undefined {
  return KINDS.find(([matches]) => matches(resourceType))?.[1];
}
