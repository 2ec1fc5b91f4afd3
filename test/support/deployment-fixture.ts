import type { ChangeSetSummary } from '../../shared/domain/change-set/change-set-summary.ts';
import type { Deployment } from '../../shared/domain/deployment/deployment.ts';

/** A change set that removes a queue, replaces a bucket and changes a role: every call-out fires. */
export const riskySummary: ChangeSetSummary = {
  add: 2,
  modify: 1,
  remove: 1,
  replace: 1,
  conditionalReplace: 0,
  security: 1,
  risk: 'dangerous',
  changes: [
    {
      logicalId: 'Topic',
      resourceType: 'AWS::SNS::Topic',
      action: 'Add',
      replacement: 'False',
      properties: [],
      flags: [],
    },
    {
      logicalId: 'Alarm',
      resourceType: 'AWS::CloudWatch::Alarm',
      action: 'Add',
      replacement: 'False',
      properties: [],
      flags: [],
    },
    {
      logicalId: 'OldQueue',
      resourceType: 'AWS::SQS::Queue',
      action: 'Remove',
      replacement: 'False',
      properties: [],
      flags: ['removal'],
    },
    {
      logicalId: 'Bucket',
      resourceType: 'AWS::S3::Bucket',
      action: 'Modify',
      replacement: 'True',
      properties: ['Properties.BucketName'],
      flags: ['replacement'],
    },
    {
      logicalId: 'DeployRole',
      resourceType: 'AWS::IAM::Role',
      action: 'Modify',
      replacement: 'False',
      properties: ['Properties.Policies'],
      flags: ['iam'],
    },
  ],
};

/** A deployment awaiting approval of `riskySummary`; override what a test is about. */
export function deploymentFixture(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-01HZX',
    kind: 'deploy',
    stack: { stackName: 'network-prod', region: 'eu-west-1' },
    stackKey: 'default/eu-west-1/network-prod',
    repository: 'acme/infra',
    revision: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    author: 'alice',
    status: 'AWAITING_APPROVAL',
    changeSet: {
      id: 'arn:aws:cloudformation:eu-west-1:123456789012:changeSet/converge-6113728/1c2fa7f0-5e2d-11ef-9f5b-0a1b2c3d4e5f',
      name: 'converge-6113728',
      summary: riskySummary,
    },
    createdAt: '2026-11-26T10:00:00.000Z',
    updatedAt: '2026-11-26T10:00:00.000Z',
    version: 2,
    ...overrides,
  };
}
