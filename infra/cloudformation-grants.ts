import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { MANAGED_STACK_TAG_VALUE, ManagedStackTag } from '../shared/domain/stack/managed-stack-tags.ts';
import type { FunctionSpec } from './function-catalog.ts';
import type { PermissionTargets } from './function-permissions.ts';
import { iamStackPatterns } from './iam-stack-patterns.ts';

/** Prefix of every change set name Converge creates (`changeSetName` in the use cases). */
const CHANGE_SET_PREFIX = 'converge-';

/**
 * The roles a function may pass to CloudFormation: the service role, and for plan (which creates
 * fork previews when the policy enables them) the preview role, which may create change sets
 * whose execution it cannot carry out.
 */
export function serviceRoles(spec: FunctionSpec, targets: PermissionTargets): string[] {
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
export function grantCloudFormation(
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
  // Deny only what IAM can express exactly: a widened pattern would deny served stacks too.
  const protectedPatterns = iamStackPatterns(targets.policy.protectedStacks).expressible;
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
