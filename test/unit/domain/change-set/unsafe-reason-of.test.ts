import { describe, expect, it } from 'vitest';
import type {
  CfnResourceChange,
  CfnResourceChangeDetail,
} from '../../../../shared/domain/change-set/change.ts';
import { neverSafeKindOf } from '../../../../shared/domain/change-set/never-safe-kind-of.ts';
import { SAFE_CHANGES } from '../../../../shared/domain/change-set/safe-changes.ts';
import { unsafeReasonOf } from '../../../../shared/domain/change-set/unsafe-reason-of.ts';

/** A static, in-place property change, as CloudFormation details it. */
function property(name: string, overrides: Partial<CfnResourceChangeDetail> = {}): CfnResourceChangeDetail {
  return {
    Target: { Attribute: 'Properties', Name: name, RequiresRecreation: 'Never' },
    Evaluation: 'Static',
    ChangeSource: 'DirectModification',
    ...overrides,
  };
}

const TAGS: CfnResourceChangeDetail = {
  Target: { Attribute: 'Tags', RequiresRecreation: 'Never' },
  Evaluation: 'Static',
  ChangeSource: 'DirectModification',
};

function add(type: string, logicalId = 'Res'): CfnResourceChange {
  return { Action: 'Add', LogicalResourceId: logicalId, ResourceType: type, Scope: [], Details: [] };
}

function modify(
  type: string,
  details: readonly CfnResourceChangeDetail[],
  overrides: Partial<CfnResourceChange> = {},
): CfnResourceChange {
  return {
    Action: 'Modify',
    LogicalResourceId: 'Res',
    PhysicalResourceId: 'res-1',
    ResourceType: type,
    Replacement: 'False',
    Scope: [...new Set(details.map((d) => d.Target?.Attribute ?? 'Properties'))],
    Details: details,
    ...overrides,
  };
}

describe('unsafeReasonOf', () => {
  it.each([
    ['an SSM parameter value', modify('AWS::SSM::Parameter', [property('Value')])],
    ['an SSM parameter description', modify('AWS::SSM::Parameter', [property('Description')])],
    ['an SQS queue visibility timeout', modify('AWS::SQS::Queue', [property('VisibilityTimeout')])],
    [
      'an SQS queue retention, delay and wait time together',
      modify('AWS::SQS::Queue', [
        property('MessageRetentionPeriod'),
        property('DelaySeconds'),
        property('ReceiveMessageWaitTimeSeconds'),
        property('MaximumMessageSize'),
      ]),
    ],
    [
      'a parameter-driven value known when planning',
      modify('AWS::SSM::Parameter', [
        property('Value', { ChangeSource: 'ParameterReference', CausingEntity: 'Setting' }),
      ]),
    ],
    ['stack tags on a queue (Tags attribute)', modify('AWS::SQS::Queue', [TAGS])],
    [
      'a Tags property with a nested path',
      modify('AWS::SQS::Queue', [
        {
          Target: { Attribute: 'Tags', RequiresRecreation: 'Never', Path: '/Properties/Tags/0/Value' },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        },
      ]),
    ],
    ['tags-only on a log group', modify('AWS::Logs::LogGroup', [property('Tags')])],
    ['an SNS topic display name', modify('AWS::SNS::Topic', [property('DisplayName')])],
    ['an alarm threshold', modify('AWS::CloudWatch::Alarm', [property('Threshold'), property('Period')])],
    ['a dashboard body', modify('AWS::CloudWatch::Dashboard', [property('DashboardBody')])],
    [
      'a property named by Path only',
      modify('AWS::SSM::Parameter', [
        {
          Target: { Attribute: 'Properties', RequiresRecreation: 'Never', Path: '/Properties/Value' },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        },
      ]),
    ],
    ['an added SSM parameter', add('AWS::SSM::Parameter')],
    ['an added SQS queue', add('AWS::SQS::Queue')],
    ['an added dashboard', add('AWS::CloudWatch::Dashboard')],
    [
      'SyncWithActual of any type (a drift revert changes no resource)',
      { Action: 'SyncWithActual', ResourceType: 'AWS::IAM::Role' },
    ],
  ] as const)('allows %s', (_name, change) => {
    expect(unsafeReasonOf(change)).toBeUndefined();
  });

  it.each([
    // Structure: what CloudFormation will do.
    [
      'a removal',
      { ...add('AWS::SSM::Parameter'), Action: 'Remove', PolicyAction: 'Delete' },
      'is removed: removals are never safe',
    ],
    [
      'a removal that retains',
      { ...add('AWS::SQS::Queue'), Action: 'Remove', PolicyAction: 'Retain' },
      'is removed',
    ],
    [
      'Replacement True',
      modify(
        'AWS::SQS::Queue',
        [
          property('QueueName', {
            Target: { Attribute: 'Properties', Name: 'QueueName', RequiresRecreation: 'Always' },
          }),
        ],
        { Replacement: 'True' },
      ),
      'is replaced: replacements are never safe',
    ],
    [
      'Replacement Conditional',
      modify('AWS::SQS::Queue', [property('VisibilityTimeout')], { Replacement: 'Conditional' }),
      'may be replaced (Replacement Conditional)',
    ],
    [
      'a Modify without Replacement',
      modify('AWS::SQS::Queue', [property('VisibilityTimeout')], { Replacement: undefined }),
      'may be replaced (Replacement unknown)',
    ],
    ['an Import', { ...add('AWS::SQS::Queue'), Action: 'Import' }, 'has action Import'],
    ['a Dynamic action', { ...add('AWS::SQS::Queue'), Action: 'Dynamic' }, 'has action Dynamic'],
    [
      'an action Converge does not know',
      { ...add('AWS::SQS::Queue'), Action: 'Teleport' },
      'has action Teleport',
    ],
    ['no action at all', { ResourceType: 'AWS::SQS::Queue', LogicalResourceId: 'Res' }, 'has action (none)'],
    [
      'a PolicyAction on a modification',
      modify('AWS::SQS::Queue', [property('VisibilityTimeout')], { PolicyAction: 'ReplaceAndDelete' }),
      'with PolicyAction ReplaceAndDelete',
    ],
    // Details: what CloudFormation cannot tell yet.
    [
      'Evaluation Dynamic',
      modify('AWS::SSM::Parameter', [
        property('Value', {
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceAttribute',
          CausingEntity: 'Queue.Arn',
        }),
      ]),
      'Value is decided at execution (Evaluation Dynamic)',
    ],
    [
      'a detail without Evaluation',
      modify('AWS::SSM::Parameter', [property('Value', { Evaluation: undefined })]),
      'Evaluation unknown',
    ],
    [
      'RequiresRecreation Conditionally',
      modify('AWS::SQS::Queue', [
        property('VisibilityTimeout', {
          Target: { Attribute: 'Properties', Name: 'VisibilityTimeout', RequiresRecreation: 'Conditionally' },
        }),
      ]),
      'may recreate the resource (RequiresRecreation Conditionally)',
    ],
    [
      'RequiresRecreation Always',
      modify('AWS::SQS::Queue', [
        property('VisibilityTimeout', {
          Target: { Attribute: 'Properties', Name: 'VisibilityTimeout', RequiresRecreation: 'Always' },
        }),
      ]),
      'RequiresRecreation Always',
    ],
    ['a modification without details', modify('AWS::SQS::Queue', []), 'changes without details'],
    [
      'a Metadata change',
      modify('AWS::SQS::Queue', [
        { Target: { Attribute: 'Metadata', RequiresRecreation: 'Never' }, Evaluation: 'Static' },
      ]),
      'changes its Metadata',
    ],
    [
      'a DeletionPolicy change',
      modify('AWS::SQS::Queue', [
        { Target: { Attribute: 'DeletionPolicy', RequiresRecreation: 'Never' }, Evaluation: 'Static' },
      ]),
      'changes its DeletionPolicy',
    ],
    [
      'a queue RedrivePolicy',
      modify('AWS::SQS::Queue', [property('RedrivePolicy')]),
      'RedrivePolicy changes: not on the safe list for AWS::SQS::Queue',
    ],
    [
      'a queue encryption key',
      modify('AWS::SQS::Queue', [property('VisibilityTimeout'), property('KmsMasterKeyId')]),
      'KmsMasterKeyId changes: not on the safe list',
    ],
    [
      'an SSM parameter tier',
      modify('AWS::SSM::Parameter', [property('Tier')]),
      'Tier changes: not on the safe list',
    ],
    ['alarm actions', modify('AWS::CloudWatch::Alarm', [property('AlarmActions')]), 'AlarmActions changes'],
    [
      'log retention',
      modify('AWS::Logs::LogGroup', [property('RetentionInDays')]),
      'RetentionInDays changes',
    ],
    [
      'an added SNS topic (subscriptions may deliver anywhere)',
      add('AWS::SNS::Topic'),
      'adding AWS::SNS::Topic is not on the safe list',
    ],
    [
      'an added alarm (actions may stop instances)',
      add('AWS::CloudWatch::Alarm'),
      'adding AWS::CloudWatch::Alarm',
    ],
    ['an added log group', add('AWS::Logs::LogGroup'), 'adding AWS::Logs::LogGroup'],
    // Types: unknown by default.
    ['an unknown type', add('AWS::Foo::Bar'), 'is added: AWS::Foo::Bar is not on the safe list'],
    [
      'tags-only on a type not on the list',
      modify('AWS::DynamoDB::Table', [TAGS]),
      'AWS::DynamoDB::Table is not on the safe list',
    ],
    ['an S3 bucket', add('AWS::S3::Bucket'), 'AWS::S3::Bucket is not on the safe list'],
    [
      'a change without a type',
      { Action: 'Add', LogicalResourceId: 'Res' },
      'an unknown type is not on the safe list',
    ],
  ] as const)('refuses %s', (_name, change, reason) => {
    expect(unsafeReasonOf(change)).toContain(reason);
  });

  it.each([
    ['Custom::Seeder', 'custom resources'],
    ['AWS::CloudFormation::CustomResource', 'custom resources'],
    ['AWS::CloudFormation::Stack', 'nested stacks'],
    ['AWS::CloudFormation::StackSet', 'StackSets'],
    ['AWS::CloudFormation::Macro', 'macros'],
    ['AWS::Lambda::Function', 'Lambda code and configuration'],
    ['AWS::Lambda::Version', 'Lambda code and configuration'],
    ['AWS::Lambda::EventSourceMapping', 'Lambda code and configuration'],
    ['AWS::Lambda::Permission', 'resource policies'],
    ['AWS::IAM::Role', 'IAM resources'],
    ['AWS::IAM::AccessKey', 'IAM resources'],
    ['AWS::IAM::Policy', 'IAM resources'],
    ['AWS::SSO::PermissionSet', 'IAM resources'],
    ['AWS::EC2::SecurityGroup', 'security groups'],
    ['AWS::EC2::SecurityGroupIngress', 'security groups'],
    ['AWS::EC2::NetworkAclEntry', 'security groups'],
    ['AWS::KMS::Key', 'KMS keys'],
    ['AWS::KMS::Alias', 'KMS keys'],
    ['AWS::S3::BucketPolicy', 'resource policies'],
    ['AWS::SQS::QueuePolicy', 'resource policies'],
    ['AWS::SNS::TopicPolicy', 'resource policies'],
    ['AWS::Logs::ResourcePolicy', 'resource policies'],
    ['AWS::ECR::RepositoryPolicy', 'resource policies'],
    ['AWS::Events::EventBusPolicy', 'resource policies'],
    ['AWS::Foo::SomePolicy', 'resource policies'],
    ['AWS::SecretsManager::Secret', 'secrets'],
    ['AWS::EC2::Instance', 'EC2 instances'],
    ['AWS::EC2::LaunchTemplate', 'EC2 instances'],
    ['AWS::SSM::Document', 'SSM documents'],
    ['AWS::SSM::Association', 'SSM documents'],
    ['AWS::Events::Rule', 'EventBridge rules'],
    ['AWS::Scheduler::Schedule', 'EventBridge rules'],
    ['AWS::StepFunctions::StateMachine', 'Step Functions state machines'],
  ])('never allows %s, added or modified in place (%s)', (type, kind) => {
    expect(neverSafeKindOf(type)).toContain(kind);
    expect(unsafeReasonOf(add(type, 'Thing'))).toBe(
      `Thing (${type}) is added: ${neverSafeKindOf(type)} are never on the safe list`,
    );
    expect(unsafeReasonOf(modify(type, [TAGS]))).toContain(`Res (${type}) changes Tags: ${kind}`);
  });

  it('names the Lambda function and the properties that change', () => {
    const change = {
      ...modify('AWS::Lambda::Function', [property('Code'), property('Handler')]),
      LogicalResourceId: 'Worker',
    };

    expect(unsafeReasonOf(change)).toBe(
      'Worker (AWS::Lambda::Function) changes Code, Handler: Lambda code and configuration are never on the safe list',
    );
  });

  it('lists no type that is never safe', () => {
    expect(SAFE_CHANGES.filter((entry) => neverSafeKindOf(entry.resourceType) !== undefined)).toEqual([]);
  });

  it('lists each type once', () => {
    const types = SAFE_CHANGES.map((entry) => entry.resourceType);
    expect(new Set(types).size).toBe(types.length);
  });
});
