import { Aws, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ControlPlanePolicy } from '../shared/domain/policy/control-plane-policy.ts';
import { TableSchema } from '../shared/domain/table/table-schema.ts';
import type { SecretName } from '../shared/runtime/config.ts';
import { grantCloudFormation, serviceRoles } from './cloudformation-grants.ts';
import type { FunctionSpec } from './function-catalog.ts';
import { artifactBucketName } from './stateful-stack.ts';

/**
 * The only actions any Converge role may hold on `Resource: "*"`, each because AWS offers
 * no resource-level permission for it (Service Authorization Reference). Tests assert that
 * no other action ever appears with `*`.
 */
export const WILDCARD_RESOURCE_ACTIONS = {
  // X-Ray trace segments belong to no resource; active tracing needs these two.
  'xray:PutTraceSegments': 'X-Ray defines no resource types for this action',
  'xray:PutTelemetryRecords': 'X-Ray defines no resource types for this action',
  // A drift detection id is not an ARN; the action cannot be scoped to a stack.
  'cloudformation:DescribeStackDriftDetectionStatus':
    'CloudFormation defines no resource types for this action',
} as const;

/** Sid of the drift function's resource reads (`converge:driftReadActions`), the other use of `*`. */
export const DRIFT_READS_SID = 'DriftResourceReads';

/** What the functions touch, from the stateful stack. */
export interface PermissionTargets {
  readonly table: ITable;
  /** Prefix of Converge's stack names; the artifact bucket name derives from it. */
  readonly stackPrefix: string;
  readonly templatePrefix: string;
  readonly planQueue: IQueue;
  readonly executeQueue: IQueue;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  readonly cloudFormationRole: IRole;
  /** Converge's own stacks: denied to every CloudFormation action, so Converge cannot change itself. */
  readonly ownStackNames: readonly string[];
  /** The deployed control-plane policy: its stack globs and protected stacks shape the grants. */
  readonly policy: ControlPlanePolicy;
  /** Resource reads drift detection needs (`converge:driftReadActions`). */
  readonly driftReadActions: readonly string[];
}

const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  // TransactWriteItems is authorized per item as Put/Update/Delete/ConditionCheckItem.
  'dynamodb:ConditionCheckItem',
  'dynamodb:Query',
];

/**
 * The CloudFormation calls each function makes through the Stacks port, traced from the use
 * cases its handler runs (ExecuteChangeSet, DeleteStack and the like never reach a function
 * that does not call them).
 */
export const CLOUDFORMATION_ACTIONS: Partial<Record<FunctionSpec['name'], readonly string[]>> = {
  // A rejecting PR review deletes the deployment's change set (decide-approval).
  webhook: ['cloudformation:DeleteChangeSet'],
  // A rejection from Slack deletes the deployment's change set (decide-approval).
  approve: ['cloudformation:DeleteChangeSet'],
  plan: [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
    // Superseded and preview change sets are deleted.
    'cloudformation:DeleteChangeSet',
    // Stack tags from converge.yaml are applied on create; CloudFormation authorizes tagging separately.
    'cloudformation:TagResource',
    // Preview cleanup deletes the empty REVIEW_IN_PROGRESS stack a CREATE change set leaves, and
    // a deployment deletes a ROLLBACK_COMPLETE stack (a failed first creation) to create it again.
    'cloudformation:DeleteStack',
    'cloudformation:DescribeStackEvents',
  ],
  execute: [
    'cloudformation:DescribeStacks',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteChangeSet',
    // An ExecuteChangeSet without an answer is resolved from the stack events carrying its token.
    'cloudformation:DescribeStackEvents',
  ],
  'stack-events': ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents'],
  // Settles executions from their change set's evidence (and executes one whose function died
  // before ExecuteChangeSet, with the same token), and deletes the change sets of expired approvals.
  reconcile: [
    'cloudformation:DescribeStacks',
    'cloudformation:DescribeStackEvents',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteChangeSet',
  ],
  'drift-sweep': [
    'cloudformation:DescribeStacks',
    'cloudformation:ListStackResources',
    'cloudformation:DetectStackDrift',
    // DetectStackDrift is authorized per resource as DetectStackResourceDrift as well.
    'cloudformation:DetectStackResourceDrift',
    'cloudformation:DescribeStackResourceDrifts',
    // Reverting drift plans a REVERT_DRIFT change set through the same approval gate.
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
    'cloudformation:DeleteChangeSet',
    'cloudformation:TagResource',
  ],
};

/** Functions that queue jobs, and onto which queue. */
const SENDS_TO: Partial<Record<FunctionSpec['name'], readonly ('plan' | 'execute')[]>> = {
  // Plan and preview jobs; an approving PR review that reaches quorum queues execution.
  webhook: ['plan', 'execute'],
  // A deployment that ends (rejected, failed, ...) queues the release of its dependents.
  approve: ['execute', 'plan'],
  // Auto-approved deployments go straight to execution; dependents waiting are resumed.
  plan: ['execute', 'plan'],
  // An execution that ends releases the dependents waiting for it.
  'stack-events': ['plan'],
  // Re-checking a planned deployment may queue it again (decide-planned-deployment); a change
  // set that went stale under a newer stack state is planned again (execute-deployment).
  execute: ['execute', 'plan'],
  // An auto-approved drift revert goes straight to execution.
  'drift-sweep': ['execute'],
  // An approved deployment whose execute job was lost is queued again (reconcile-deployments);
  // a stack whose branch head moved without a webhook is planned (converge-on-git).
  reconcile: ['execute', 'plan'],
};

/** Functions that create change sets: they upload large templates and pass the service role. */
const CREATES_CHANGE_SETS: ReadonlySet<FunctionSpec['name']> = new Set(['plan', 'drift-sweep']);

/**
 * Adds to `role` exactly what the function `spec` calls, on the resources it touches.
 * Nothing here uses a `*` action; `*` resources are limited to {@link WILDCARD_RESOURCE_ACTIONS}.
 */
export function grantFunctionPermissions(role: IRole, spec: FunctionSpec, targets: PermissionTargets): void {
  const add = (statement: PolicyStatement) => role.addToPrincipalPolicy(statement);

  // The table and its indexes: every function records state and audit.
  add(
    new PolicyStatement({
      sid: 'ConvergeTable',
      actions: TABLE_ITEM_ACTIONS,
      resources: [
        targets.table.tableArn,
        ...TableSchema.globalSecondaryIndexes.map(
          (index) => `${targets.table.tableArn}/index/${index.indexName}`,
        ),
      ],
    }),
  );

  for (const name of spec.secrets) {
    const secret = targets.secrets[name];
    if (!secret) continue;
    add(
      new PolicyStatement({
        sid: `Read${name.charAt(0).toUpperCase()}${name.slice(1)}`,
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secret.secretArn],
      }),
    );
  }

  const queues = SENDS_TO[spec.name] ?? [];
  if (queues.length > 0) {
    add(
      new PolicyStatement({
        sid: 'SendJobs',
        actions: ['sqs:SendMessage'],
        resources: queues.map(
          (queue) => (queue === 'plan' ? targets.planQueue : targets.executeQueue).queueArn,
        ),
      }),
    );
  }

  const cloudFormation = CLOUDFORMATION_ACTIONS[spec.name];
  if (cloudFormation) grantCloudFormation(role, spec, cloudFormation, targets);

  // In a target account, the same calls go through the role the policy names there (and only it).
  const targetRoles = targets.policy.accounts.map((account) => account.roleArn);
  if (cloudFormation && targetRoles.length > 0) {
    add(
      new PolicyStatement({
        sid: 'AssumeTargetAccountRoles',
        actions: ['sts:AssumeRole'],
        resources: targetRoles,
      }),
    );
  }

  if (CREATES_CHANGE_SETS.has(spec.name)) {
    // Large templates go to S3 and CloudFormation fetches them with the caller's credentials.
    add(
      new PolicyStatement({
        sid: 'Templates',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [
          `arn:${Aws.PARTITION}:s3:::${artifactBucketName(targets.stackPrefix)}/${targets.templatePrefix}*`,
        ],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${artifactBucketName(targets.stackPrefix, NAG_PSEUDO)}/${targets.templatePrefix}*]`,
      reason:
        'Template keys are generated per deployment; the grant is limited to the templates/ prefix of the artifact bucket.',
    });
    // The only way a function reaches the resources of a template: hand this role to CloudFormation.
    add(
      new PolicyStatement({
        sid: 'PassServiceRole',
        actions: ['iam:PassRole'],
        resources: serviceRoles(spec, targets),
        conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }),
    );
  }

  if (spec.name === 'drift-sweep') {
    add(
      new PolicyStatement({
        sid: 'DriftDetectionStatus',
        actions: ['cloudformation:DescribeStackDriftDetectionStatus'],
        resources: ['*'],
      }),
    );
    // CloudFormation reads each resource of a stack with the caller's credentials when it detects
    // drift, so the caller needs the read-handler permissions of every resource type the managed
    // stacks declare. Those types are only known to the operator: they name the actions
    // (converge:driftReadActions), and nothing broader (no ReadOnlyAccess) is granted by default.
    if (targets.driftReadActions.length > 0) {
      add(
        new PolicyStatement({
          sid: DRIFT_READS_SID,
          actions: [...targets.driftReadActions],
          resources: ['*'],
        }),
      );
    }
  }
}

/** Pseudo parameters as cdk-nag prints them. */
const NAG_PSEUDO = { accountId: '<AWS::AccountId>', region: '<AWS::Region>' };
