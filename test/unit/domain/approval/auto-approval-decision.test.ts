import { describe, expect, it } from 'vitest';
import { autoApprovalDecision } from '../../../../shared/domain/approval/auto-approval-decision.ts';
import type { CfnResourceChange } from '../../../../shared/domain/change-set/change.ts';
import type {
  ChangeRisk,
  ChangeSetSummary,
} from '../../../../shared/domain/change-set/change-set-summary.ts';
import { summarizeChangeSet } from '../../../../shared/domain/change-set/summarize-change-set.ts';
import { loadChangeSet } from '../../../fixtures/change-sets/load-change-set.ts';

const SAFE_RULE = { required: 1, autoApprove: 'safe' } as const;

function summary(risk: ChangeRisk, unsafe: readonly string[] = []): ChangeSetSummary {
  return {
    add: 0,
    modify: 1,
    remove: 0,
    replace: 0,
    conditionalReplace: 0,
    security: 0,
    risk,
    changes: [
      {
        logicalId: 'Queue',
        resourceType: 'AWS::SQS::Queue',
        action: 'Modify',
        replacement: 'False',
        properties: [],
        flags: [],
      },
    ],
    unsafe,
  };
}

/** The decision of the safe rule on a change set of these resource changes. */
function decide(changes: readonly CfnResourceChange[], transforms?: readonly string[]) {
  const rated = summarizeChangeSet(
    changes.map((resourceChange) => ({ Type: 'Resource', ResourceChange: resourceChange })),
    transforms ? { transforms } : {},
  );
  return autoApprovalDecision(SAFE_RULE, rated);
}

const STATIC = { Evaluation: 'Static', ChangeSource: 'DirectModification' } as const;

function modify(
  logicalId: string,
  type: string,
  properties: readonly string[],
  overrides: Partial<CfnResourceChange> = {},
): CfnResourceChange {
  return {
    Action: 'Modify',
    LogicalResourceId: logicalId,
    ResourceType: type,
    Replacement: 'False',
    Scope: ['Properties'],
    Details: properties.map((name) => ({
      Target: { Attribute: 'Properties', Name: name, RequiresRecreation: 'Never' },
      ...STATIC,
    })),
    ...overrides,
  };
}

const add = (logicalId: string, type: string): CfnResourceChange => ({
  Action: 'Add',
  LogicalResourceId: logicalId,
  ResourceType: type,
});

const PARAMETER_VALUE = modify('Setting', 'AWS::SSM::Parameter', ['Value']);

describe('autoApprovalDecision', () => {
  it.each([
    [0, 'never', 'dangerous', true],
    [0, 'safe', 'dangerous', true],
    [1, 'always', 'dangerous', true],
    [2, 'always', 'review', true],
    [1, 'never', 'safe', false],
    [1, 'safe', 'safe', true],
    [1, 'safe', 'review', false],
    [1, 'safe', 'dangerous', false],
    [3, 'safe', 'safe', true],
  ] as const)('required %i, autoApprove %s, risk %s → auto %s', (required, autoApprove, risk, expected) => {
    expect(autoApprovalDecision({ required, autoApprove }, summary(risk)).autoApprove).toBe(expected);
  });

  it.each([
    ['an SSM parameter value', [PARAMETER_VALUE]],
    ['an SQS queue visibility timeout', [modify('Queue', 'AWS::SQS::Queue', ['VisibilityTimeout'])]],
    [
      'tags only',
      [
        modify('Queue', 'AWS::SQS::Queue', [], {
          Scope: ['Tags'],
          Details: [{ Target: { Attribute: 'Tags', RequiresRecreation: 'Never' }, ...STATIC }],
        }),
      ],
    ],
    ['an added SSM parameter', [add('Flag', 'AWS::SSM::Parameter')]],
    ['an added queue', [add('Jobs', 'AWS::SQS::Queue')]],
    ['an added dashboard', [add('Board', 'AWS::CloudWatch::Dashboard')]],
    ['an alarm threshold', [modify('Alarm', 'AWS::CloudWatch::Alarm', ['Threshold'])]],
    ['several listed changes together', [PARAMETER_VALUE, add('Board', 'AWS::CloudWatch::Dashboard')]],
  ] as const)('auto-approves %s under the safe rule', (_name, changes) => {
    expect(decide(changes)).toEqual({ autoApprove: true, why: 'Every resource change is on the safe list.' });
  });

  it('auto-approves the recorded safe-list-only change set', () => {
    const rated = summarizeChangeSet(loadChangeSet('safe-list-only').Changes);
    expect(autoApprovalDecision(SAFE_RULE, rated).autoApprove).toBe(true);
  });

  it.each([
    ['a removal', { ...add('Old', 'AWS::SQS::Queue'), Action: 'Remove' }, 'Old (AWS::SQS::Queue) is removed'],
    [
      'a replacement',
      modify('Queue', 'AWS::SQS::Queue', ['VisibilityTimeout'], { Replacement: 'True' }),
      'Queue (AWS::SQS::Queue) is replaced',
    ],
    [
      'a conditional replacement',
      modify('Queue', 'AWS::SQS::Queue', ['VisibilityTimeout'], { Replacement: 'Conditional' }),
      'Queue (AWS::SQS::Queue) may be replaced (Replacement Conditional)',
    ],
    [
      'a detail that may recreate the resource',
      modify('Queue', 'AWS::SQS::Queue', [], {
        Details: [
          {
            Target: {
              Attribute: 'Properties',
              Name: 'VisibilityTimeout',
              RequiresRecreation: 'Conditionally',
            },
            ...STATIC,
          },
        ],
      }),
      'RequiresRecreation Conditionally',
    ],
    [
      'a dynamic detail',
      modify('Setting', 'AWS::SSM::Parameter', [], {
        Details: [
          {
            Target: { Attribute: 'Properties', Name: 'Value', RequiresRecreation: 'Never' },
            Evaluation: 'Dynamic',
            ChangeSource: 'ResourceAttribute',
            CausingEntity: 'Queue.Arn',
          },
        ],
      }),
      'Setting (AWS::SSM::Parameter) Value is decided at execution (Evaluation Dynamic)',
    ],
    ['a Dynamic action', { ...add('Fn', 'AWS::SQS::Queue'), Action: 'Dynamic' }, 'has action Dynamic'],
    ['a custom resource', add('Seed', 'Custom::Seeder'), 'Seed (Custom::Seeder) is added: custom resources'],
    [
      'an AWS::CloudFormation::CustomResource',
      add('Seed', 'AWS::CloudFormation::CustomResource'),
      'custom resources',
    ],
    ['a Lambda function', add('Fn', 'AWS::Lambda::Function'), 'Fn (AWS::Lambda::Function) is added: Lambda'],
    [
      'Lambda code',
      modify('Fn', 'AWS::Lambda::Function', ['Code', 'Handler']),
      'Fn (AWS::Lambda::Function) changes Code, Handler: Lambda code and configuration',
    ],
    [
      'Lambda configuration',
      modify('Fn', 'AWS::Lambda::Function', ['Environment']),
      'changes Environment: Lambda',
    ],
    ['an IAM role', add('Role', 'AWS::IAM::Role'), 'IAM resources'],
    ['a security group rule', add('Ingress', 'AWS::EC2::SecurityGroupIngress'), 'security groups'],
    ['a KMS key', modify('Key', 'AWS::KMS::Key', ['Description']), 'KMS'],
    ['a bucket policy', add('Policy', 'AWS::S3::BucketPolicy'), 'resource policies'],
    ['a queue policy', modify('Policy', 'AWS::SQS::QueuePolicy', ['PolicyDocument']), 'resource policies'],
    ['a topic policy', add('Policy', 'AWS::SNS::TopicPolicy'), 'resource policies'],
    ['a nested stack', modify('Child', 'AWS::CloudFormation::Stack', ['Parameters']), 'nested stacks'],
    ['a StackSet', add('Spread', 'AWS::CloudFormation::StackSet'), 'StackSets'],
    ['an EC2 instance', modify('Box', 'AWS::EC2::Instance', ['InstanceType']), 'EC2 instances'],
    ['an SSM document', add('Runbook', 'AWS::SSM::Document'), 'SSM documents'],
    ['an EventBridge rule', add('Nightly', 'AWS::Events::Rule'), 'EventBridge rules'],
    ['a Step Functions state machine', add('Flow', 'AWS::StepFunctions::StateMachine'), 'Step Functions'],
    [
      'a type not on the list',
      add('Table', 'AWS::DynamoDB::Table'),
      'AWS::DynamoDB::Table is not on the safe list',
    ],
    [
      'a property not on the list',
      modify('Queue', 'AWS::SQS::Queue', ['RedrivePolicy']),
      'Queue (AWS::SQS::Queue) RedrivePolicy changes: not on the safe list',
    ],
  ] as const)('asks a person for %s, naming the change', (_name, change, reason) => {
    const decision = decide([PARAMETER_VALUE, change]);

    expect(decision.autoApprove).toBe(false);
    expect(decision.why).toMatch(/^Not auto-approved: /);
    expect(decision.why).toContain(reason);
  });

  it('asks a person when the template runs a transform or macro, even if every change is listed', () => {
    const decision = decide([PARAMETER_VALUE], ['AWS::Serverless-2016-10-31']);

    expect(decision).toEqual({
      autoApprove: false,
      why: 'Not auto-approved: the template runs transform AWS::Serverless-2016-10-31: macros and transforms are never on the safe list.',
    });
  });

  it('names the first three reasons and counts the rest', () => {
    const decision = decide(['A', 'B', 'C', 'D', 'E'].map((id) => add(id, 'AWS::Lambda::Function')));

    expect(decision.why).toContain('C (AWS::Lambda::Function)');
    expect(decision.why).not.toContain('D (AWS::Lambda::Function)');
    expect(decision.why).toMatch(/; and 2 more\.$/);
  });

  it('never auto-approves a summary written before the safe list existed', () => {
    const { unsafe: _unsafe, ...legacy } = summary('safe');

    const decision = autoApprovalDecision(SAFE_RULE, legacy);

    expect(decision.autoApprove).toBe(false);
    expect(decision.why).toContain('plan it again');
  });

  it('never auto-approves a summary rated above safe, even with no reason listed', () => {
    expect(autoApprovalDecision(SAFE_RULE, summary('review'))).toEqual({
      autoApprove: false,
      why: 'Not auto-approved: the change set is rated review.',
    });
  });
});
