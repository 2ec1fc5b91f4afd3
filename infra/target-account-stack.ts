import { Aws, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { TargetAccount } from '../shared/domain/policy/control-plane-policy.ts';
import { CLOUDFORMATION_ACTIONS } from './function-permissions.ts';
import { artifactBucketName, TEMPLATE_PREFIX } from './stateful-stack.ts';

export interface TargetAccountStackProps extends StackProps {
  /** The policy's entry for this account: the role to create, its external id, the service role. */
  readonly account: TargetAccount;
  /** Converge's default event bus, where CloudFormation events are forwarded. */
  readonly eventBusArn: string;
  /** Prefix of Converge's stacks: only roles of `<prefix>Stateless` may assume the deploy role. */
  readonly stackPrefix: string;
  /** AWS managed policies of the service role (what stacks in this account may create). */
  readonly cloudFormationRolePolicies: readonly string[];
  /** Resource reads drift detection needs (CloudFormation reads with the caller's credentials). */
  readonly driftReadActions: readonly string[];
}

/** The CloudFormation events Converge reads, as EventBridge names them. */
const FORWARDED_EVENTS = [
  'CloudFormation Stack Status Change',
  'CloudFormation Drift Detection Status Change',
];

/**
 * What Converge needs in one target account, deployed there (`cdk deploy <prefix>Target<account>`
 * with that account's credentials):
 * - the deploy role the policy names, assumable only by Converge's function roles and only with the
 *   external id, allowed exactly the CloudFormation calls Converge's functions make, on change sets
 *   named `converge-*`, passing only the service role;
 * - the CloudFormation service role that creates the stacks' resources (when the policy names one);
 * - an EventBridge rule forwarding stack status and drift detection events to Converge's bus, so
 *   deployments there finish as fast as in Converge's own account (reconcile polls as the fallback).
 */
export class TargetAccountStack extends Stack {
  readonly deployRole: Role;

  constructor(scope: Construct, id: string, props: TargetAccountStackProps) {
    super(scope, id, props);
    const { account } = props;
    const convergeAccount = props.eventBusArn.split(':')[4]!;
    const roleName = (arn: string) => arn.split(':role/')[1]!.split('/').at(-1)!;
    const rolePath = (arn: string) => {
      const path = arn.split(':role/')[1]!.split('/').slice(0, -1).join('/');
      return path ? `/${path}/` : undefined;
    };

    // The service role CloudFormation uses for the stacks' resources.
    const serviceRole = account.serviceRoleArn
      ? new Role(this, 'CloudFormationServiceRole', {
          roleName: roleName(account.serviceRoleArn),
          path: rolePath(account.serviceRoleArn),
          assumedBy: new ServicePrincipal('cloudformation.amazonaws.com'),
          description: 'Creates the resources of stacks Converge manages in this account',
          managedPolicies: props.cloudFormationRolePolicies.map((name) =>
            ManagedPolicy.fromAwsManagedPolicyName(name),
          ),
        })
      : undefined;
    for (const name of serviceRole ? props.cloudFormationRolePolicies : []) {
      Validations.of(serviceRole!).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          "This role creates whatever the infrastructure repository declares, so its reach is the operator's choice (context converge:cloudFormationRolePolicies). Converge may only pass it to CloudFormation.",
      });
    }

    // The deploy role: Converge's function roles, with the external id, and nobody else.
    const deployRole = new Role(this, 'DeployRole', {
      roleName: roleName(account.roleArn),
      path: rolePath(account.roleArn),
      description:
        'Converge deploys, plans, detects drift and reconciles stacks in this account with this role',
      assumedBy: new AccountPrincipal(convergeAccount).withConditions({
        ArnLike: {
          'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${convergeAccount}:role/${props.stackPrefix}Stateless-*`,
        },
      }),
      externalIds: [account.externalId],
    });
    const actions = [
      ...new Set(
        Object.values(CLOUDFORMATION_ACTIONS)
          .flat()
          .filter((action): action is string => action !== undefined),
      ),
    ].sort();
    deployRole.addToPolicy(
      new PolicyStatement({
        sid: 'Stacks',
        actions,
        resources: [
          `arn:${Aws.PARTITION}:cloudformation:*:${Aws.ACCOUNT_ID}:stack/*`,
          `arn:${Aws.PARTITION}:cloudformation:*:${Aws.ACCOUNT_ID}:changeSet/converge-*/*`,
        ],
      }),
    );
    deployRole.addToPolicy(
      new PolicyStatement({
        sid: 'DriftDetectionStatus',
        actions: ['cloudformation:DescribeStackDriftDetectionStatus'],
        resources: ['*'],
      }),
    );
    if (props.driftReadActions.length > 0) {
      deployRole.addToPolicy(
        new PolicyStatement({
          sid: 'DriftResourceReads',
          actions: [...props.driftReadActions],
          resources: ['*'],
        }),
      );
    }
    // Large templates: CloudFormation reads them from Converge's artifact bucket with this role.
    const [, , , busRegion = '', convergeAccountId = ''] = props.eventBusArn.split(':');
    const templates = `arn:${Aws.PARTITION}:s3:::${artifactBucketName(props.stackPrefix, { accountId: convergeAccountId, region: busRegion })}/${TEMPLATE_PREFIX}*`;
    deployRole.addToPolicy(
      new PolicyStatement({ sid: 'Templates', actions: ['s3:GetObject'], resources: [templates] }),
    );
    if (serviceRole) {
      deployRole.addToPolicy(
        new PolicyStatement({
          sid: 'PassServiceRole',
          actions: ['iam:PassRole'],
          resources: [serviceRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        }),
      );
    }
    const wildcards: Readonly<Record<string, string>> = {
      'Resource::arn:<AWS::Partition>:cloudformation:*:<AWS::AccountId>:stack/*':
        'Converge manages stacks whose names the infrastructure repositories choose (the control-plane policy limits them), in any Region of this account.',
      'Resource::arn:<AWS::Partition>:cloudformation:*:<AWS::AccountId>:changeSet/converge-*/*':
        'Change sets Converge creates are named converge-<revision>-<deployment>; only those are reachable.',
      [`Resource::arn:<AWS::Partition>:s3:::${artifactBucketName(props.stackPrefix, { accountId: convergeAccount, region: props.eventBusArn.split(':')[3]! })}/${TEMPLATE_PREFIX}*`]:
        "Template keys are generated per deployment; only the templates/ prefix of Converge's artifact bucket is readable.",
      'Resource::*':
        'DescribeStackDriftDetectionStatus takes a detection id, not an ARN; drift reads are the operator-chosen read actions (converge:driftReadActions).',
    };
    for (const [finding, reason] of Object.entries(wildcards)) {
      Validations.of(deployRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    this.deployRole = deployRole;

    // Stack status and drift events go to Converge's bus.
    new Rule(this, 'ForwardCloudFormationEvents', {
      description: "Forwards CloudFormation stack status and drift events to Converge's event bus",
      eventPattern: { source: ['aws.cloudformation'], detailType: FORWARDED_EVENTS },
      targets: [new EventBusTarget(EventBus.fromEventBusArn(this, 'ConvergeBus', props.eventBusArn))],
    });
  }
}
