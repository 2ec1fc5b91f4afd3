import type { Deployment } from '../../domain/deployment/deployment.ts';
import { changeSetName } from '../../domain/deployment/deployment-names.ts';
import type { Stacks } from '../../ports/stacks.ts';
import { actingAs } from '../deployment/stack-session.ts';

/**
 * Deletes a deployment's change set. Its name is derived from the deployment, so this also
 * finds change sets whose id was never stored (previews, or a plan interrupted while waiting).
 * Acts under the deployment's own session.
 */
export async function deleteChangeSetOf(stacks: Stacks, deployment: Deployment): Promise<void> {
  const id =
    deployment.changeSet?.id ??
    changeSetName({
      revision: deployment.revision,
      deploymentId: deployment.id,
      pullRequest: deployment.pullRequest,
    });
  await actingAs(stacks, deployment.id).deleteChangeSet(deployment.stack, id);
}
