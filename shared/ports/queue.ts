/** Jobs that move deployments forward. Each goes to a FIFO queue grouped by stack. */
export type Job =
  | {
      readonly type: 'plan';
      /** Drift reverts are planned by the drift sweep itself (plan-drift-revert), never queued. */
      readonly kind: 'deploy' | 'preview';
      readonly repository: string;
      readonly revision: string;
      readonly stackName: string;
      readonly stackKey: string;
      /**
       * When the push (or drift sweep) that asked for this plan was received, in ms since the
       * epoch: the order of revisions of one stack. A later request always wins.
       */
      readonly requestedAt: number;
      readonly pullRequest?: number;
      readonly deliveryId?: string;
      readonly author?: string;
      /** Everyone the change is attributed to (see `Deployment.authors`). */
      readonly authors?: readonly string[];
      /** A preview of a pull request from a fork: planned only when the policy allows, with the preview role. */
      readonly fork?: boolean;
      /** Resumes this deployment (one AWAITING_DEPENDENCIES) instead of planning a new one. */
      readonly deploymentId?: string;
    }
  | { readonly type: 'execute'; readonly deploymentId: string; readonly stackKey: string }
  /** A deployment ended: its dependents at that revision are resumed, stopped or planned again. */
  | { readonly type: 'dependency-closed'; readonly deploymentId: string; readonly stackKey: string }
  | {
      /** A stack left converge.yaml at `revision`: release it, or plan its deletion (`onRemove: delete`). */
      readonly type: 'remove-stack';
      readonly repository: string;
      readonly revision: string;
      readonly stackName: string;
      readonly stackKey: string;
      readonly requestedAt: number;
      readonly deliveryId?: string;
      readonly author?: string;
      readonly authors?: readonly string[];
    }
  | {
      readonly type: 'cleanup-preview';
      readonly repository: string;
      readonly pullRequest: number;
      readonly stackKey: string;
    };

/** The FIFO queue: `group` keeps one stack's jobs in order; `dedupeId` drops repeats. */
export interface Queue {
  send(job: Job, options: { group: string; dedupeId: string }): Promise<void>;
}
