import type { StackConfig } from '../../domain/config/stack-config.ts';
import { DeploymentKind, type StackRef } from '../../domain/deployment/deployment.ts';
import { MANAGED_STACK_TAG_VALUE, ManagedStackTag } from '../../domain/stack/managed-stack-tags.ts';
import { isInProgress } from '../../domain/stack/stack-statuses.ts';
import { TEMPLATE_BODY_MAX_BYTES } from '../../domain/template/template-limits.ts';
import { templateTransforms } from '../../domain/template/template-transforms.ts';
import type { Artifacts } from '../../ports/artifacts.ts';
import type { Source } from '../../ports/source.ts';
import type { Stacks } from '../../ports/stacks.ts';
import { StackBusyError } from './stack-busy-error.ts';

/** What the change set of one deployment is made from. */
export interface StackChangeSetInput {
  readonly repository: string;
  /** The commit whose template and parameters the change set is made from. */
  readonly revision: string;
  readonly stackKey: string;
  /** What the change set is for: a deployment, a preview, or a drift revert (`REVERT_DRIFT`). */
  readonly mode: DeploymentKind;
  /** The deployment id: the change set's client token and part of its tags and upload key. */
  readonly deploymentId: string;
  readonly changeSetName: string;
  readonly stack: StackRef;
  readonly stackConfig: StackConfig;
  /** Tags Converge sets on every stack it manages, beside the configuration's own. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Creates the change set of one deployment from the template and parameters at `revision`:
 * CREATE for a new stack, UPDATE otherwise (a drift revert is always an UPDATE with
 * `DeploymentMode=REVERT_DRIFT`), and templates over CloudFormation's inline limit uploaded first
 * and passed by URL. Returns the change set id and the template's transforms and macros (they
 * make the change set unsafe to auto-approve); throws what reading the template or
 * CloudFormation threw (the caller turns it into a named reason), or a retryable
 * {@link StackBusyError} while the stack is mid-operation: CloudFormation refuses change sets
 * then, and the plan must wait for the running operation, not fail.
 *
 * @example
 * const { changeSetId } = await createStackChangeSet(deps, { repository, revision, stackKey, mode: 'deploy', deploymentId, changeSetName, stack, stackConfig });
 */
export async function createStackChangeSet(
  { source, stacks, artifacts }: { source: Source; stacks: Stacks; artifacts: Artifacts },
  input: StackChangeSetInput,
): Promise<{ changeSetId: string; transforms: readonly string[] }> {
  const { repository, revision, stackKey, mode, deploymentId, stack, stackConfig } = input;
  const templateBody = await readTemplate(source, repository, revision, stackConfig.template);
  const live = await stacks.describeStack(stack);
  if (live && isInProgress(live.status)) throw new StackBusyError(stackKey, `stack is ${live.status}`);
  const templateUrl =
    Buffer.byteLength(templateBody) > TEMPLATE_BODY_MAX_BYTES
      ? await artifacts.putTemplate(`templates/${stackKey}/${deploymentId}.template`, templateBody)
      : undefined;
  const revert = mode === DeploymentKind.REVERT_DRIFT;
  const { changeSetId } = await stacks
    .createChangeSet({
      stack,
      changeSetName: input.changeSetName,
      changeSetType: live || revert ? 'UPDATE' : 'CREATE',
      ...(templateUrl ? { templateUrl } : { templateBody }),
      parameters: stackConfig.parameters,
      tags: {
        ...stackConfig.tags,
        ...input.tags,
        [ManagedStackTag.MANAGED]: MANAGED_STACK_TAG_VALUE,
        [ManagedStackTag.REPOSITORY]: repository,
        'converge:revision': revision,
        'converge:deployment': deploymentId,
      },
      capabilities: stackConfig.capabilities,
      roleArn: stack.roleArn,
      description: revert
        ? `Converge drift revert to ${repository}@${revision.slice(0, 12)}`
        : `Converge ${mode} of ${repository}@${revision.slice(0, 12)}`,
      clientToken: deploymentId,
      ...(revert ? { deploymentMode: 'REVERT_DRIFT' as const } : {}),
      ...(stackConfig.rollback ? { rollback: stackConfig.rollback } : {}),
    })
    .catch((error: unknown) => {
      // The stack started an operation between the look and the call.
      if (error instanceof Error && BUSY.test(error.message))
        throw new StackBusyError(stackKey, error.message);
      throw error;
    });
  return { changeSetId, transforms: templateTransforms(templateBody, stackConfig.template) };
}

/** CloudFormation's refusal while a stack operation runs ("... is in UPDATE_IN_PROGRESS state and can not be updated."). */
const BUSY = /is in [A-Z_]+_IN_PROGRESS state and can not be updated/;

async function readTemplate(
  source: Source,
  repository: string,
  revision: string,
  path: string,
): Promise<string> {
  const bytes = await source.readFile(repository, revision, path);
  if (!bytes) throw new Error(`${path} does not exist at ${revision.slice(0, 12)}.`);
  return new TextDecoder().decode(bytes);
}
