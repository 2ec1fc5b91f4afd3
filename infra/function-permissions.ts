import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ControlPlanePolicy } from '../shared/domain/policy/control-plane-policy.ts';
import { MANAGED_STACK_TAG_VALUE, ManagedStackTag } from '../shared/domain/stack/managed-stack-tags.ts';
import { TableSchema } from '../shared/domain/table/table-schema.ts';
import type { SecretName } from '../shared/runtime/config.ts';
import type { FunctionSpec } from './function-catalog.ts';
import { iamStackPatterns } from './iam-stack-patterns.ts';
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

/** Prefix of every change set name Converge creates (`changeSetName` in the use cases). */
const CHANGE_SET_PREFIX = 'converge-';

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
const CLOUDFORMATION_ACTIONS: Partial<Record<FunctionSpec['name'], readonly string[]>> = {
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
  ],
  'stack-events': ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents'],
  // Closes stuck executions (events, status) and deletes the change sets of expired approvals.
  reconcile: [
    'cloudformation:DescribeStacks',
    'cloudformation:DescribeStackEvents',
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
  approve: ['execute'],
  // Auto-approved deployments go straight to execution.
  plan: ['execute'],
  // Re-checking a planned deployment may queue it again (decide-planned-deployment); a change
  // set that went stale under a newer stack state is planned again (execute-deployment).
  execute: ['execute', 'plan'],
  // An auto-approved drift revert goes straight to execution.
  'drift-sweep': ['execute'],
  // An approved deployment whose execute job was lost is queued again (reconcile-deployments).
  reconcile: ['execute'],
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

/**
 * The roles a function may pass to CloudFormation: the service role, and for plan (which creates
 * fork previews when the policy enables them) the preview role, which may create change sets
 * whose execution it cannot carry out.
 */
function serviceRoles(spec: FunctionSpec, targets: PermissionTargets): string[] {
  const preview = targets.policy.forks.previews ? targets.policy.forks.previewRoleArn : undefined;
  return [targets.cloudFormationRole.roleArn, ...(spec.name === 'plan' && preview ? [preview] : [])];
}

/**
 * The CloudFormation grants of one function, narrowed as far as IAM can express it:
 * - stack ARNs from the policy's stack globs (every repository's `stacks:`), so a function cannot
 *   touch a stack no served repository may manage; globs IAM cannot express widen to any stack;
 * - change sets named `converge-*` only;
 * - CreateChangeSet only with the service role (`cloudformation:RoleArn`) and only when the
 *   request tags the stack `converge:managed=true` (`aws:RequestTag`), so every stack Converge
 *   changes is marked as Converge's;
 * - DeleteStack only on stacks that carry that tag (`aws:ResourceTag`);
 * - an explicit Deny on Converge's own stacks and on the policy's protected stacks.
 * ExecuteChangeSet has no tag condition: a first deployment's stack (REVIEW_IN_PROGRESS) and an
 * adopted stack receive their tags only when the change set executes. docs/security.md lists what
 * IAM cannot enforce and the use cases do instead.
 */
function grantCloudFormation(
  role: IRole,
  spec: FunctionSpec,
  actions: readonly string[],
  targets: PermissionTargets,
): void {
  const stack = Stack.of(role);
  const add = (statement: PolicyStatement) => role.addToPrincipalPolicy(statement);
  const stackArn = (name: string) =>
    stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` });
  const managed = iamStackPatterns(targets.policy.repositories.flatMap((entry) => entry.stacks));
  const stackArns = managed.patterns.map(stackArn);
  const changeSetArn = stack.formatArn({
    service: 'cloudformation',
    resource: 'changeSet',
    resourceName: `${CHANGE_SET_PREFIX}*/*`,
  });
  const touchesChangeSets = actions.some((action) => action.endsWith('ChangeSet'));
  const conditional = new Set(['cloudformation:CreateChangeSet', 'cloudformation:DeleteStack']);
  const plain = actions.filter((action) => !conditional.has(action));
  const managedTag = ManagedStackTag.MANAGED;

  if (plain.length > 0) {
    add(
      new PolicyStatement({
        sid: 'ManagedStacks',
        actions: plain,
        resources: touchesChangeSets ? [...stackArns, changeSetArn] : stackArns,
      }),
    );
  }
  if (actions.includes('cloudformation:CreateChangeSet')) {
    add(
      new PolicyStatement({
        sid: 'CreateTaggedChangeSets',
        actions: ['cloudformation:CreateChangeSet'],
        resources: [...stackArns, changeSetArn],
        conditions: {
          StringEquals: { [`aws:RequestTag/${managedTag}`]: MANAGED_STACK_TAG_VALUE },
          StringLike: { 'cloudformation:ChangeSetName': `${CHANGE_SET_PREFIX}*` },
          ArnEquals: { 'cloudformation:RoleArn': serviceRoles(spec, targets) },
        },
      }),
    );
  }
  if (actions.includes('cloudformation:DeleteStack')) {
    add(
      new PolicyStatement({
        sid: 'DeleteTaggedStacks',
        actions: ['cloudformation:DeleteStack'],
        resources: stackArns,
        conditions: { StringEquals: { [`aws:ResourceTag/${managedTag}`]: MANAGED_STACK_TAG_VALUE } },
      }),
    );
  }
  add(
    new PolicyStatement({
      sid: 'NotConvergeItself',
      effect: Effect.DENY,
      actions: [...actions],
      resources: targets.ownStackNames.map(stackArn),
    }),
  );
  const protectedStacks = iamStackPatterns(targets.policy.protectedStacks);
  // Deny only what IAM can express exactly: a widened pattern would deny served stacks too.
  const protectedPatterns = protectedStacks.exact ? protectedStacks.patterns : protectedStacks.expressible;
  if (protectedPatterns.length > 0) {
    add(
      new PolicyStatement({
        sid: 'NotProtectedStacks',
        effect: Effect.DENY,
        actions: [...actions],
        resources: protectedPatterns.map(stackArn),
      }),
    );
  }

  const reason =
    'Managed stacks are named in converge.yaml at run time; the ARN is narrowed to the stack globs of the control-plane policy (converge:policyFile) in this partition, region and account, change sets to the converge- prefix, and explicit Denies keep Converge off its own and the protected stacks.';
  // A stack ARN ends in the stack's id, which changes with every creation: always `/*`.
  for (const pattern of managed.patterns) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(`stack/${pattern}/*`)}]`,
      reason,
    });
  }
  if (touchesChangeSets) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(`changeSet/${CHANGE_SET_PREFIX}*/*`)}]`,
      reason,
    });
  }
}

/** How cdk-nag prints a CloudFormation ARN in this partition, region and account. */
function nagArn(resource: string): string {
  return `arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:${resource}`;
}

/** Pseudo parameters as cdk-nag prints them. */
const NAG_PSEUDO = { accountId: '<AWS::AccountId>', region: '<AWS::Region>' };
