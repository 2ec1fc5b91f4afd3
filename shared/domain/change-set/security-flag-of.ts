import { ChangeFlag } from './change-flag.ts';

/** Resource types whose whole job is a resource-based policy or permission. */
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::BucketPolicy',
  'AWS::S3::AccessPoint',
  'AWS::S3Express::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::Lambda::Permission',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::Lambda::Url',
  'AWS::Events::EventBusPolicy',
  'AWS::Logs::ResourcePolicy',
  'AWS::Logs::DestinationPolicy',
  'AWS::ECR::RepositoryPolicy',
  'AWS::ECR::RegistryPolicy',
  'AWS::ApiGateway::RestApiPolicy',
  'AWS::OpenSearchService::DomainPolicy',
  'AWS::Backup::BackupVaultPolicy',
  'AWS::CodeArtifact::RepositoryPolicy',
  'AWS::Glue::ResourcePolicy',
  'AWS::DynamoDB::ResourcePolicy',
  'AWS::EFS::FileSystemPolicy',
  'AWS::Organizations::ResourcePolicy',
  'AWS::RAM::ResourceShare',
]);

/** Prefixes of security-sensitive resource types, most specific first. */
const PREFIXES: readonly (readonly [string, ChangeFlag])[] = [
  ['AWS::IAM::', ChangeFlag.IAM],
  ['AWS::SSO::', ChangeFlag.IAM],
  ['AWS::IdentityStore::', ChangeFlag.IAM],
  ['AWS::EC2::SecurityGroup', ChangeFlag.NETWORK_SECURITY],
  ['AWS::EC2::NetworkAcl', ChangeFlag.NETWORK_SECURITY],
  ['AWS::EC2::SubnetNetworkAclAssociation', ChangeFlag.NETWORK_SECURITY],
  ['AWS::KMS::', ChangeFlag.KMS],
  ['AWS::SecretsManager::', ChangeFlag.SECRETS],
];

/**
 * The security flag of a CloudFormation resource type, or `undefined` when changing it does
 * not change who can reach or read what.
 *
 * @example
 * ```ts
 * securityFlagOf('AWS::IAM::Role'); // 'iam'
 * securityFlagOf('AWS::SQS::QueuePolicy'); // 'resource-policy'
 * securityFlagOf('AWS::SQS::Queue'); // undefined
 * ```
 */
export function securityFlagOf(resourceType: string): ChangeFlag | undefined {
  if (RESOURCE_POLICY_TYPES.has(resourceType)) return ChangeFlag.RESOURCE_POLICY;
  return PREFIXES.find(([prefix]) => resourceType.startsWith(prefix))?.[1];
}
