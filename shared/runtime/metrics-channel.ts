import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Deployment } from '../domain/deployment/deployment.ts';
import { DeploymentKind } from '../domain/deployment/deployment.ts';
import { DeploymentStatus, isTerminal } from '../domain/deployment/deployment-status.ts';
import type { ChannelRefs, NotificationChannel } from '../ports/notifier.ts';
import { metrics as defaultMetrics, emitMetric, MetricName } from './observability.ts';

/**
 * Deployment metrics as a notification channel: every state change is already notified exactly
 * where it happens, so counting there keeps the use cases free of metrics code. Emits
 * DeploymentsStarted (EXECUTING), DeploymentsFinished by outcome (terminal statuses), DriftReverted
 * (a revert-drift deployment SUCCEEDED), lead time
 * from commit to SUCCEEDED, and the wait from approval request to decision. Previews are not
 * deployments and are not counted. Also counts revisions whose configuration has problems
 * (ConfigurationsInvalid). Keeps no refs.
 */
export function metricsChannel(target: Metrics = defaultMetrics): NotificationChannel {
  return {
    name: 'metrics',
    async deploymentChanged(deployment: Deployment): Promise<ChannelRefs | undefined> {
      if (deployment.kind === DeploymentKind.PREVIEW) return undefined;
      const now = Date.parse(deployment.updatedAt);
      if (deployment.status === DeploymentStatus.EXECUTING)
        emitMetric(MetricName.DEPLOYMENTS_STARTED, 1, {}, target);
      if (isTerminal(deployment.status))
        emitMetric(MetricName.DEPLOYMENTS_FINISHED, 1, { Outcome: deployment.status }, target);
      if (deployment.kind === DeploymentKind.REVERT_DRIFT && deployment.status === DeploymentStatus.SUCCEEDED)
        emitMetric(MetricName.DRIFT_REVERTED, 1, {}, target);
      if (deployment.status === DeploymentStatus.SUCCEEDED && deployment.committedAt) {
        emitMetric(
          MetricName.LEAD_TIME_SECONDS,
          seconds(now - Date.parse(deployment.committedAt)),
          {},
          target,
        );
      }
      const requestedAt = approvalRequestedAt(deployment);
      if (
        requestedAt !== undefined &&
        (deployment.status === DeploymentStatus.APPROVED || deployment.status === DeploymentStatus.REJECTED)
      ) {
        emitMetric(MetricName.APPROVAL_WAIT_SECONDS, seconds(now - requestedAt), {}, target);
      }
      return undefined;
    },
    async configurationInvalid(): Promise<void> {
      emitMetric(MetricName.CONFIGURATIONS_INVALID, 1, {}, target);
    },
  };
}

/** When the approval request went out: its expiry minus the window it was given. */
function approvalRequestedAt(deployment: Deployment): number | undefined {
  if (!deployment.expiresAt || !deployment.approval) return undefined;
  return Date.parse(deployment.expiresAt) - deployment.approval.ttlSeconds * 1000;
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}
