import type { StackConfig } from '../domain/config/stack-config.ts';
import type { StackRef } from '../domain/deployment/deployment.ts';
import { TEMPLATE_BODY_MAX_BYTES } from '../domain/template/template-limits.ts';
import { templateTransforms } from '../domain/template/template-transforms.ts';
import type { Artifacts } from '../ports/artifacts.ts';
import type { Source } from '../ports/source.ts';
import type { Stacks } from '../ports/stacks.ts';
import type { PlanJob } from './plan-stack.ts';
import { StackBusyError } from './stack-busy-error.ts';
import { isInProgress } from './stack-status.ts';

/** What the change set of one deployment is made from. */
export interface StackChangeSetInput {
  readonly job: PlanJob;
  /** The deployment id: the change set's client token and part of its tags and upload key. */
  readonly deploymentId: string;
  readonly changeSetName: string;
  readonly stack: StackRef;
  readonly stackConfig: StackConfig;
}

/**
 * Creates the change set of one deployment from the template and parameters at the job's
 * revision: CREATE for a new stack, UPDATE otherwise, and templates over CloudFormation's
 * inline limit uploaded first and passed by URL. Returns the change set id and the template's
 * transforms and macros (they make the change set unsafe to auto-approve); throws what
 * reading the template or CloudFormation threw (the caller turns it into a named reason), or
 * a retryable {@link StackBusyError} while the stack is mid-operation: CloudFormation refuses
 * change sets then, and a newer revision must wait for the running update, not fail.
 */
export async function createStackChangeSet(
  { source, stacks, artifacts }: { source: Source; stacks: Stacks; artifacts: Artifacts },
  { job, deploymentId, changeSetName, stack, stackConfig }: StackChangeSetInput,
): Promise<{ changeSetId: string; transforms: readonly string[] }> {
  const templateBody = await readTemplate(source, job, stackConfig.template);
  const live = await stacks.describeStack(stack);
  if (live && isInProgress(live.status)) throw new StackBusyError(job.stackKey, `stack is ${live.status}`);
  const templateUrl =
    Buffer.byteLength(templateBody) > TEMPLATE_BODY_MAX_BYTES
      ? await artifacts.putTemplate(`templates/${job.stackKey}/${deploymentId}.template`, templateBody)
      : undefined;
  const { changeSetId } = await stacks
    .createChangeSet({
      stack,
      changeSetName,
      changeSetType: live ? 'UPDATE' : 'CREATE',
      ...(templateUrl ? { templateUrl } : { templateBody }),
      parameters: stackConfig.parameters,
      tags: { ...stackConfig.tags, 'converge:revision': job.revision, 'converge:deployment': deploymentId },
      capabilities: stackConfig.capabilities,
      roleArn: stack.roleArn,
      description: `Converge ${job.kind} of ${job.repository}@${job.revision.slice(0, 12)}`,
      clientToken: deploymentId,
    })
    .catch((error: unknown) => {
      // The stack started an operation between the look and the call.
      if (error instanceof Error && BUSY.test(error.message)) {
        throw new StackBusyError(job.stackKey, error.message);
      }
      throw error;
    });
  return { changeSetId, transforms: templateTransforms(templateBody, stackConfig.template) };
}

/** CloudFormation's refusal while a stack operation runs ("... is in UPDATE_IN_PROGRESS state and can not be updated."). */
const BUSY = /is in [A-Z_]+_IN_PROGRESS state and can not be updated/;

async function readTemplate(source: Source, job: PlanJob, path: string): Promise<string> {
  const bytes = await source.readFile(job.repository, job.revision, path);
  if (!bytes) throw new Error(`${path} does not exist at ${job.revision.slice(0, 12)}.`);
  return new TextDecoder().decode(bytes);
}
