import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { redactingReplacer } from './redaction.ts';

/** The one CloudWatch namespace all Converge metrics go to. */
export const METRICS_NAMESPACE = 'Converge';

/**
 * The Powertools service name of every function: metrics carry it as the `service` dimension,
 * so one name for all functions keeps the dashboard's metric queries to one dimension set.
 */
export const DEFAULT_SERVICE_NAME = 'converge';

/**
 * Every metric Converge emits. The dashboard and alarms in `infra/` use these names, so a
 * metric is renamed here or nowhere.
 */
export const MetricName = {
  DEPLOYMENTS_STARTED: 'DeploymentsStarted',
  /** Dimension `Outcome`: the terminal deployment status (SUCCEEDED, FAILED, ...). */
  DEPLOYMENTS_FINISHED: 'DeploymentsFinished',
  /** Seconds from the commit to the deployment reaching SUCCEEDED. */
  LEAD_TIME_SECONDS: 'LeadTimeSeconds',
  /** Seconds from the approval request to the decision. */
  APPROVAL_WAIT_SECONDS: 'ApprovalWaitSeconds',
  CHANGE_SET_CREATION_SECONDS: 'ChangeSetCreationSeconds',
  DRIFT_DETECTED: 'DriftDetected',
  DRIFT_REVERTED: 'DriftReverted',
  /**
   * Dimension `Reason`: the refusal (error name) of a GitHub webhook or Slack request answered
   * with a 4xx (bad signature, stale, malformed, too large). Nothing else records them.
   */
  WEBHOOKS_REJECTED: 'WebhooksRejected',
  /** Pushed revisions (and pull request heads) whose converge.yaml or a file it names has problems. */
  CONFIGURATIONS_INVALID: 'ConfigurationsInvalid',
  /** Dimension `Function`: unexpected failures (not client errors). */
  ERRORS: 'Errors',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** Metric dimensions beyond Powertools' `service`. */
export const MetricDimension = { OUTCOME: 'Outcome', REASON: 'Reason', FUNCTION: 'Function' } as const;
export type MetricDimension = (typeof MetricDimension)[keyof typeof MetricDimension];

const UNITS: Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  DeploymentsStarted: MetricUnit.Count,
  DeploymentsFinished: MetricUnit.Count,
  LeadTimeSeconds: MetricUnit.Seconds,
  ApprovalWaitSeconds: MetricUnit.Seconds,
  ChangeSetCreationSeconds: MetricUnit.Seconds,
  DriftDetected: MetricUnit.Count,
  DriftReverted: MetricUnit.Count,
  WebhooksRejected: MetricUnit.Count,
  ConfigurationsInvalid: MetricUnit.Count,
  Errors: MetricUnit.Count,
};

/** Options for {@link createLogger}; the log level defaults to `POWERTOOLS_LOG_LEVEL`. */
export interface LoggerOptions {
  readonly serviceName?: string;
  readonly logLevel?: string;
}

/**
 * A Powertools logger printing structured JSON through the redacting replacer, so no
 * secret, token or signature header reaches the logs (see `redaction.ts`).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
    ...(options.logLevel ? { logLevel: options.logLevel as 'INFO' } : {}),
    jsonReplacerFn: redactingReplacer,
  });
}

/**
 * A Powertools metrics emitter writing embedded metric format to the `Converge` namespace.
 * Its own diagnostics go to `log`; "no application metrics to publish" is routine (reconcile
 * runs every few minutes with nothing to do), so it is logged at debug, not warn.
 */
export function createMetrics(options: { serviceName?: string; log?: Logger } = {}): Metrics {
  const log = options.log ?? logger;
  const text = (args: unknown[]) => String(args[0]);
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
    logger: {
      debug: (...args: unknown[]) => log.debug(text(args)),
      info: (...args: unknown[]) => log.info(text(args)),
      warn: (...args: unknown[]) =>
        text(args).startsWith('No application metrics') ? log.debug(text(args)) : log.warn(text(args)),
      error: (...args: unknown[]) => log.error(text(args)),
    },
  });
}

/** The process-wide logger; handlers and adapters log through it. */
export const logger: Logger = createLogger();
/** The process-wide metrics; `standardMiddleware` flushes them after each invocation. */
export const metrics: Metrics = createMetrics();

/**
 * A Powertools tracer (X-Ray); outside Lambda it is disabled. Loaded when first asked for, not
 * at import: with the X-Ray SDK under it, it is the heaviest module of a cold import, and nothing
 * traces before the first invocation (`standardMiddleware` makes the process-wide one then).
 */
export async function createTracer(): Promise<Tracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: DEFAULT_SERVICE_NAME });
}

/** What a log line is about; each key is optional so a handler appends what it knows. */
export interface DeploymentKeys {
  readonly deploymentId?: string;
  readonly stack?: string;
  readonly revision?: string;
}

/**
 * Appends `deploymentId`, `stack` and `revision` to every later log line of this invocation.
 * `standardMiddleware` clears them when the invocation ends, so they never leak into the next.
 *
 * @example
 * withDeploymentKeys({ deploymentId: deployment.id, stack: deployment.stack.name, revision });
 */
export function withDeploymentKeys(keys: DeploymentKeys, log: Logger = logger): void {
  const defined = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
  log.appendKeys(defined);
}

/**
 * Emits one metric now. With a dimension it is emitted on its own (a single-metric EMF
 * record) so that the dimension applies to it alone; without, it joins the invocation's batch.
 *
 * @example
 * emitMetric(MetricName.DEPLOYMENTS_FINISHED, 1, { Outcome: 'SUCCEEDED' });
 */
export function emitMetric(
  name: MetricName,
  value: number,
  dimensions: Partial<Record<MetricDimension, string>> = {},
  target: Metrics = metrics,
): void {
  const entries = Object.entries(dimensions).filter(([, v]) => v !== undefined) as [string, string][];
  if (entries.length === 0) {
    target.addMetric(name, UNITS[name], value);
    return;
  }
  const single = target.singleMetric();
  for (const [key, v] of entries) single.addDimension(key, v);
  single.addMetric(name, UNITS[name], value);
}
