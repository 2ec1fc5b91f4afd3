import { describe, expect, it } from 'vitest';
import type { CfnResourceChange } from '../../../../shared/domain/change-set/change.ts';
import { summarizeChangeSet } from '../../../../shared/domain/change-set/summarize-change-set.ts';
import { loadChangeSet } from '../../../fixtures/change-sets/load-change-set.ts';

function one(resourceChange: CfnResourceChange) {
  return summarizeChangeSet([{ Type: 'Resource', ResourceChange: resourceChange }]);
}

describe('summarizeChangeSet', () => {
  it('rates an empty change set safe with nothing counted', () => {
    expect(summarizeChangeSet([])).toEqual({
      add: 0,
      modify: 0,
      remove: 0,
      replace: 0,
      conditionalReplace: 0,
      import: 0,
      dynamic: 0,
      security: 0,
      risk: 'safe',
      changes: [],
      unsafe: [],
    });
  });

  it.each([
    [
      'update-with-replacement-and-iam',
      { add: 2, modify: 1, replace: 1, conditionalReplace: 1, remove: 0, security: 2, risk: 'dangerous' },
    ],
    [
      'remove-with-retain-and-snapshot',
      { add: 0, modify: 1, replace: 0, conditionalReplace: 0, remove: 3, security: 1, risk: 'dangerous' },
    ],
    [
      'tags-and-properties-only',
      { add: 1, modify: 2, replace: 0, conditionalReplace: 0, remove: 0, security: 0, risk: 'review' },
    ],
    [
      'safe-list-only',
      {
        add: 1,
        modify: 2,
        replace: 0,
        conditionalReplace: 0,
        remove: 0,
        security: 0,
        risk: 'safe',
        unsafe: [],
      },
    ],
    [
      'revert-drift',
      { add: 0, modify: 1, replace: 0, conditionalReplace: 0, remove: 0, security: 0, risk: 'safe' },
    ],
  ])('counts and rates the recorded change set %s', (name, expected) => {
    expect(summarizeChangeSet(loadChangeSet(name).Changes)).toMatchObject(expected);
  });

  it.each([
    ['Add of a queue', { Action: 'Add', ResourceType: 'AWS::SQS::Queue' }, 'safe', []],
    [
      'a safe-listed Modify without replacement',
      {
        Action: 'Modify',
        ResourceType: 'AWS::SQS::Queue',
        Replacement: 'False',
        Scope: ['Properties'],
        Details: [
          {
            Target: { Attribute: 'Properties', Name: 'VisibilityTimeout', RequiresRecreation: 'Never' },
            Evaluation: 'Static',
            ChangeSource: 'DirectModification',
          },
        ],
      },
      'safe',
      [],
    ],
    [
      'a Modify without replacement that CloudFormation does not detail',
      { Action: 'Modify', ResourceType: 'AWS::SQS::Queue', Replacement: 'False' },
      'review',
      ['not-on-safe-list'],
    ],
    [
      'Add of a Lambda function',
      { Action: 'Add', ResourceType: 'AWS::Lambda::Function' },
      'review',
      ['not-on-safe-list'],
    ],
    [
      'Add of an unknown type',
      { Action: 'Add', ResourceType: 'AWS::Foo::Bar' },
      'review',
      ['not-on-safe-list'],
    ],
    [
      'Add of a custom resource',
      { Action: 'Add', ResourceType: 'Custom::Seeder' },
      'dangerous',
      ['custom-resource'],
    ],
    [
      'Add of an AWS::CloudFormation::CustomResource',
      { Action: 'Add', ResourceType: 'AWS::CloudFormation::CustomResource' },
      'dangerous',
      ['custom-resource'],
    ],
    [
      'Modify with Replacement True',
      { Action: 'Modify', ResourceType: 'AWS::SQS::Queue', Replacement: 'True' },
      'dangerous',
      ['replacement'],
    ],
    [
      'Modify with Replacement Conditional',
      { Action: 'Modify', ResourceType: 'AWS::SQS::Queue', Replacement: 'Conditional' },
      'review',
      ['conditional-replacement'],
    ],
    [
      'Remove',
      { Action: 'Remove', ResourceType: 'AWS::SQS::Queue', PolicyAction: 'Delete' },
      'dangerous',
      ['removal', 'deletes'],
    ],
    [
      'Remove with Retain',
      { Action: 'Remove', ResourceType: 'AWS::S3::Bucket', PolicyAction: 'Retain' },
      'dangerous',
      ['removal', 'retains'],
    ],
    [
      'Remove with Snapshot',
      { Action: 'Remove', ResourceType: 'AWS::RDS::DBInstance', PolicyAction: 'Snapshot' },
      'dangerous',
      ['removal', 'snapshots'],
    ],
    [
      'replacement keeping the old resource',
      {
        Action: 'Modify',
        ResourceType: 'AWS::S3::Bucket',
        Replacement: 'True',
        PolicyAction: 'ReplaceAndRetain',
      },
      'dangerous',
      ['replacement', 'retains'],
    ],
    [
      'replacement snapshotting the old resource',
      {
        Action: 'Modify',
        ResourceType: 'AWS::RDS::DBCluster',
        Replacement: 'True',
        PolicyAction: 'ReplaceAndSnapshot',
      },
      'dangerous',
      ['replacement', 'snapshots'],
    ],
    [
      'replacement deleting the old resource',
      {
        Action: 'Modify',
        ResourceType: 'AWS::SQS::Queue',
        Replacement: 'True',
        PolicyAction: 'ReplaceAndDelete',
      },
      'dangerous',
      ['replacement', 'deletes'],
    ],
    [
      'conditional replacement keeping the old resource',
      {
        Action: 'Modify',
        ResourceType: 'AWS::SQS::Queue',
        Replacement: 'Conditional',
        PolicyAction: 'ReplaceAndRetain',
      },
      'review',
      ['conditional-replacement', 'retains'],
    ],
    ['Dynamic', { Action: 'Dynamic', ResourceType: 'AWS::SQS::Queue' }, 'review', ['dynamic']],
    ['Import', { Action: 'Import', ResourceType: 'AWS::DynamoDB::Table' }, 'review', ['import']],
    [
      'nested stack update',
      { Action: 'Modify', ResourceType: 'AWS::CloudFormation::Stack', Replacement: 'False' },
      'review',
      ['nested-stack'],
    ],
    [
      'an action Converge does not know',
      { Action: 'Teleport', ResourceType: 'AWS::SQS::Queue' },
      'review',
      ['unknown-action'],
    ],
    ['SyncWithActual of a role', { Action: 'SyncWithActual', ResourceType: 'AWS::IAM::Role' }, 'safe', []],
  ] as const)('rates %s', (_name, change, risk, flags) => {
    const summary = one(change);

    expect(summary.risk).toBe(risk);
    expect(summary.changes[0]?.flags).toEqual(flags);
  });

  it.each([
    ['AWS::IAM::Role', 'iam'],
    ['AWS::IAM::ManagedPolicy', 'iam'],
    ['AWS::SSO::PermissionSet', 'iam'],
    ['AWS::EC2::SecurityGroup', 'network-security'],
    ['AWS::EC2::SecurityGroupIngress', 'network-security'],
    ['AWS::EC2::SecurityGroupEgress', 'network-security'],
    ['AWS::EC2::NetworkAclEntry', 'network-security'],
    ['AWS::KMS::Key', 'kms'],
    ['AWS::KMS::Alias', 'kms'],
    ['AWS::S3::BucketPolicy', 'resource-policy'],
    ['AWS::SQS::QueuePolicy', 'resource-policy'],
    ['AWS::SNS::TopicPolicy', 'resource-policy'],
    ['AWS::Lambda::Permission', 'resource-policy'],
    ['AWS::Events::EventBusPolicy', 'resource-policy'],
    ['AWS::SecretsManager::Secret', 'secrets'],
    ['AWS::SecretsManager::RotationSchedule', 'secrets'],
  ])('rates any change to %s dangerous and security-sensitive (%s)', (type, flag) => {
    const summary = one({ Action: 'Modify', ResourceType: type, Replacement: 'False' });

    expect(summary).toMatchObject({ risk: 'dangerous', security: 1 });
    expect(summary.changes[0]?.flags).toContain(flag);
  });

  it.each([
    'AWS::SQS::Queue',
    'AWS::EC2::VPC',
    'AWS::Lambda::Function',
    'AWS::S3::Bucket',
    'AWS::EC2::Subnet',
  ])('does not count %s as security-sensitive', (type) => {
    expect(one({ Action: 'Add', ResourceType: type }).security).toBe(0);
  });

  it('lists changed property paths once each, nested paths included', () => {
    const summary = summarizeChangeSet(loadChangeSet('tags-and-properties-only').Changes);

    expect(summary.changes.map((c) => [c.logicalId, c.properties])).toEqual([
      ['Queue', ['Properties.VisibilityTimeout', 'Properties.Tags.0.Value']],
      ['Alarm', ['Properties.Threshold']],
      ['Dashboard', []],
    ]);
  });

  it('names Tags and plain properties from Target when there is no Path', () => {
    const summary = summarizeChangeSet(loadChangeSet('update-with-replacement-and-iam').Changes);
    const byId = Object.fromEntries(summary.changes.map((c) => [c.logicalId, c.properties]));

    expect(byId).toMatchObject({
      Queue: ['Properties.QueueName', 'Properties.VisibilityTimeout'],
      Topic: ['Tags'],
    });
  });

  it('keeps the physical id of existing resources', () => {
    const summary = summarizeChangeSet(loadChangeSet('update-with-replacement-and-iam').Changes);

    expect(summary.changes.find((c) => c.logicalId === 'Queue')?.physicalId).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111122223333/orders',
    );
  });

  it('lists a SyncWithActual change without counting it', () => {
    const summary = summarizeChangeSet(loadChangeSet('revert-drift').Changes);

    expect(summary.changes.map((c) => c.action)).toEqual(['Modify', 'SyncWithActual']);
    expect(summary.modify).toBe(1);
  });

  it('counts Import and Dynamic actions', () => {
    const summary = summarizeChangeSet([
      {
        Type: 'Resource',
        ResourceChange: {
          Action: 'Import',
          LogicalResourceId: 'Table',
          ResourceType: 'AWS::DynamoDB::Table',
        },
      },
      {
        Type: 'Resource',
        ResourceChange: { Action: 'Dynamic', LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function' },
      },
    ]);

    expect(summary).toMatchObject({ import: 1, dynamic: 1, risk: 'review' });
  });

  it('says on each resource change off the safe list why, naming it', () => {
    const summary = summarizeChangeSet(loadChangeSet('update-with-replacement-and-iam').Changes);

    expect(summary.unsafe).toEqual([]);
    expect(summary.changes.flatMap((change) => change.unsafe ?? [])).toEqual([
      'WorkerRole (AWS::IAM::Role) is added: IAM resources are never on the safe list',
      'Queue (AWS::SQS::Queue) is replaced: replacements are never safe',
      'QueuePolicy (AWS::SQS::QueuePolicy) may be replaced (Replacement Conditional): replacements are never safe',
    ]);
  });

  it('rates a template with a transform review, and says so first', () => {
    const summary = summarizeChangeSet(loadChangeSet('safe-list-only').Changes, {
      transforms: ['AWS::Serverless-2016-10-31'],
    });

    expect(summary).toMatchObject({ risk: 'review', transforms: ['AWS::Serverless-2016-10-31'] });
    expect(summary.unsafe).toEqual([
      'the template runs transform AWS::Serverless-2016-10-31: macros and transforms are never on the safe list',
    ]);
  });

  it('names a dynamic detail that keeps an otherwise listed change off the safe list', () => {
    const summary = summarizeChangeSet(loadChangeSet('tags-and-properties-only').Changes);

    expect(summary.changes.map((change) => change.unsafe)).toEqual([
      undefined,
      'Alarm (AWS::CloudWatch::Alarm) Threshold is decided at execution (Evaluation Dynamic): dynamic changes are never safe',
      undefined,
    ]);
  });

  it('skips entries that are not resource changes', () => {
    expect(summarizeChangeSet([{ Type: 'Hook' }, { Type: 'Resource' }]).changes).toEqual([]);
  });
});
