import type { Deployment, Reason } from '../../domain/deployment/deployment.ts';
import { moveDeployment } from '../deployment/move-deployment.ts';
import { notify } from '../deployment/notify.ts';

/** Ends planning early (failed, empty or superseded) and tells people. */
export async function closePlanning(
  deps: Parameters<typeof moveDeployment>[0] & Parameters<typeof notify>[0],
  deployment: Deployment,
  event: Parameters<typeof moveDeployment>[2],
  actor: string,
  reason?: Reason,
): Promise<Deployment> {
  const ended = await moveDeployment(deps, deployment, event, {
    action: event.type.toLowerCase(),
    actor,
    reason: reason?.message,
  });
  if (!ended) return (await deps.store.getDeployment(deployment.id)) ?? deployment;
  return notify(deps, ended, { event: reason?.message ?? event.type.toLowerCase().replace('_', ' ') });
}
