import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConvergeApp } from '../../../infra/converge-app.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createStubProject } from './stub-project.ts';
import { TEST_CONTEXT, TEST_POLICY, writePolicy } from './synthesized-app.ts';

const A = '111111111111';
const B = '222222222222';
const BUS = 'arn:aws:events:eu-west-1:999999999999:event-bus/default';
const POLICY = `${TEST_POLICY}accounts:
  "${A}":
    roleArn: arn:aws:iam::${A}:role/converge-deploy
    externalId: converge-a
    serviceRoleArn: arn:aws:iam::${A}:role/converge-cloudformation
  "${B}": { roleArn: "arn:aws:iam::${B}:role/ops/converge-deploy", externalId: converge-b }
`;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
let built: ReturnType<typeof createConvergeApp>;

beforeAll(() => {
  built = createConvergeApp({
    projectRoot: createStubProject(),
    appProps: {
      outdir: tempDir('converge-cdk-out-'),
      context: { ...TEST_CONTEXT, 'converge:policyFile': writePolicy(POLICY), 'converge:eventBusArn': BUS },
    },
  });
  built.app.synth();
}, 240_000);

const template = (account: string) => Template.fromStack(built.targets.find((t) => t.account === account)!);

describe('target-account stacks', () => {
  it('builds one stack per account the policy lists, in that account and the bus Region', () => {
    expect(built.targets.map((stack) => [stack.stackName, stack.account, stack.region])).toEqual([
      [`ConvergeTarget${A}`, A, 'eu-west-1'],
      [`ConvergeTarget${B}`, B, 'eu-west-1'],
    ]);
  });

  it('passes the AWS Solutions checks with every finding acknowledged', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('lets only Converge’s function roles assume the deploy role, and only with the external id', () => {
    template(A).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'converge-deploy',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRole',
            Principal: {
              AWS: Match.objectLike({
                'Fn::Join': Match.arrayWith([Match.arrayWith([':iam::999999999999:root'])]),
              }),
            },
            Condition: {
              StringEquals: { 'sts:ExternalId': 'converge-a' },
              ArnLike: { 'aws:PrincipalArn': Match.objectLike({}) },
            },
          }),
        ],
      },
    });
    template(B).hasResourceProperties('AWS::IAM::Role', { RoleName: 'converge-deploy', Path: '/ops/' });
  });

  it('lets the deploy role pass only the service role, and to CloudFormation only', () => {
    const resources = template(A).toJSON().Resources as Resources;
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const pass = statements.find((s) => s.Sid === 'PassServiceRole');
    expect(pass).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    });
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('*');
    // B names no service role: none is created, and nothing may be passed.
    template(B).resourceCountIs('AWS::IAM::Role', 2); // the deploy role and the event forwarding role
    const bStatements = Object.values(template(B).toJSON().Resources as Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    expect(bStatements.flatMap((s) => [s.Action].flat())).not.toContain('iam:PassRole');
  });

  it('forwards stack status and drift events to Converge’s bus', () => {
    template(A).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudformation'],
        'detail-type': ['CloudFormation Stack Status Change', 'CloudFormation Drift Detection Status Change'],
      },
      Targets: [Match.objectLike({ Arn: BUS })],
    });
  });
});

describe('Converge’s own stacks with target accounts', () => {
  it('lets the functions that call CloudFormation assume exactly the listed roles', () => {
    const resources = Template.fromStack(built.stateless).toJSON().Resources as Resources;
    const assumes = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => [s.Action].flat().includes('sts:AssumeRole'));
    expect(assumes.length).toBeGreaterThanOrEqual(5);
    for (const statement of assumes) {
      expect(statement.Resource).toEqual([
        `arn:aws:iam::${A}:role/converge-deploy`,
        `arn:aws:iam::${B}:role/ops/converge-deploy`,
      ]);
    }
  });

  it('lets exactly the listed deploy roles read the templates prefix of the artifact bucket', () => {
    const resources = Template.fromStack(built.stateful).toJSON().Resources as Resources;
    const statement = Object.values(resources)
      .filter((r) => r.Type === 'AWS::S3::BucketPolicy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
      .find((s) => s.Sid === 'TargetAccountTemplates');
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': [
            `arn:aws:iam::${A}:role/converge-deploy`,
            `arn:aws:iam::${B}:role/ops/converge-deploy`,
          ],
        },
      },
    });
    expect(JSON.stringify(statement?.Resource)).toContain('/templates/*');
  });

  it('lets each target account put CloudFormation events on the default bus, nothing else', () => {
    const stateless = Template.fromStack(built.stateless);
    stateless.resourceCountIs('AWS::Events::EventBusPolicy', 2);
    stateless.hasResourceProperties('AWS::Events::EventBusPolicy', {
      StatementId: `converge-target-${A}`,
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': 'aws.cloudformation' } },
      }),
    });
  });
});
