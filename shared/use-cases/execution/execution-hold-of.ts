import { AuditAction } from '../../domain/deployment/audit-action.ts';
import { subjectOf } from '../../domain/deployment/audit-subject.ts';
import type { Deployment } from '../../domain/deployment/deployment.ts';
import { type ExecutionHold, executionHold } from '../../domain/window/execution-hold.ts';
import type { Store } from '../../ports/store.ts';

/**
 * What holds an approved deployment's execution at `now`, read from the store: its stack's
 * suspension, and whether an approver overrode its windows (the `window-overridden` audit record,
 * written only by `overrideWindow` after it checked the approver, so no override exists unaudited).
 *
 * @example
 * const hold = await executionHoldOf(deps, deployment, clock.now());
 */
export async function executionHoldOf(
  { store }: { store: Store },
  deployment: Deployment,
  now: number,
): Promise<ExecutionHold> {
  const state = await store.getStackState(deployment.stackKey);
  const windowOverridden =
    deployment.windows !== undefined && deployment.windows.length > 0
      ? (await store.listAudit(subjectOf(deployment.id))).some(
          (record) => record.action === AuditAction.WINDOW_OVERRIDDEN,
        )
      : false;
  return executionHold({ deployment, suspension: state?.suspended, windowOverridden, now });
}

/** Whether the deployment's latest audit record says its execution was held (so a release should queue it). */
export async function wasHeld({ store }: { store: Store }, deployment: Deployment): Promise<boolean> {
  const trail = await store.listAudit(subjectOf(deployment.id));
  const last = trail
    .filter((record) => record.action !== 'notified' && record.action !== 'notify-failed')
    .at(-1);
  return last?.action === AuditAction.HELD;
}
