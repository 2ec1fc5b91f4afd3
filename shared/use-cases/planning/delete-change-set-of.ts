import type { Deployment } from '../../domain/deployment/deployment.ts';
import { changeSetName } from '../../domain/deployment/deployment-names.ts';
import type { Stacks } from '../../ports/stacks.ts';

/**
 * Deletes a deployment's change set. Its name is derived from the deployment, so this also
 * finds change sets whose id was never stored (previews, or a plan interrupted while waiting).
 */
export async function deleteChangeSetOf(stacks: Stacks, deployment: Deployment): Promise<void> {
  const id =
    deployment.changeSet?.id ??
    changeSetName({
      revision: deployment.revision,
      deploymentId: deployment.id,
      pullRequest: deployment.pullRequest,
    });
  await stacks.deleteChangeSet(deployment.stack, id);
}
