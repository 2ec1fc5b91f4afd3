import { Aws, CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeploymentStatus, isTerminal } from '../shared/domain/deployment/deployment-status.ts';
import { METRICS_NAMESPACE, MetricDimension, MetricName } from '../shared/runtime/observability.ts';
import type { ConvergeFunction } from './converge-function.ts';

export interface MonitoredQueue {
  readonly name: string;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
}

export interface ConvergeMonitoringProps {
  readonly functions: readonly ConvergeFunction[];
  readonly queues: readonly MonitoredQueue[];
  readonly eventsDeadLetterQueue: IQueue;
  readonly alarmTopicArn?: string;
  readonly alarmEmail?: string;
}

/** The `service` dimension Powertools adds to every Converge metric. */
const SERVICE = { service: 'converge' } as const;
const PERIOD = Duration.minutes(5);

/** Outcomes a deployment finishes with: the terminal statuses. */
export const OUTCOMES = Object.values(DeploymentStatus).filter(isTerminal);

/** A Converge metric (namespace `Converge`, dimension `service` plus any given). */
export function convergeMetric(
  name: MetricName,
  statistic: string,
  dimensions: Partial<Record<MetricDimension, string>> = {},
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { ...SERVICE, ...dimensions },
    statistic,
    period: PERIOD,
  });
}

/**
 * The Converge dashboard and its alarms: deployments by outcome, lead time, approval wait,
 * change-set creation time, drift found and reverted, rejected webhooks, queue and
 * dead-letter depth, and each function's errors and duration. Alarms go to an SNS topic
 * when one is configured (`converge:alarmTopicArn`, or `converge:alarmEmail` to create one).
 */
export class ConvergeMonitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  readonly topic?: ITopic;

  constructor(scope: Construct, id: string, props: ConvergeMonitoringProps) {
    super(scope, id);
    this.topic = alarmTopic(this, props);

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# Converge\nDeployments, approvals and drift; queues and functions below.',
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(
      graph('Deployments started and finished by outcome', [
        convergeMetric(MetricName.DEPLOYMENTS_STARTED, 'Sum').with({ label: 'Started' }),
        ...OUTCOMES.map((outcome) =>
          convergeMetric(MetricName.DEPLOYMENTS_FINISHED, 'Sum', { Outcome: outcome }).with({
            label: outcome,
          }),
        ),
      ]),
      graph('Lead time, commit to deployed (seconds)', percentiles(MetricName.LEAD_TIME_SECONDS)),
      graph('Approval wait (seconds)', percentiles(MetricName.APPROVAL_WAIT_SECONDS)),
    );
    this.dashboard.addWidgets(
      graph('Change-set creation (seconds)', percentiles(MetricName.CHANGE_SET_CREATION_SECONDS)),
      graph('Drift found and reverted', [
        convergeMetric(MetricName.DRIFT_DETECTED, 'Sum').with({ label: 'Drift detected' }),
        convergeMetric(MetricName.DRIFT_REVERTED, 'Sum').with({ label: 'Drift reverted' }),
      ]),
      graph('Webhooks rejected by reason', [
        // Reasons are open-ended, so the widget searches for every Reason value.
        new MathExpression({
          expression: `SEARCH('{${METRICS_NAMESPACE},service,${MetricDimension.REASON}} MetricName="${MetricName.WEBHOOKS_REJECTED}"', 'Sum', 300)`,
          usingMetrics: {},
          label: '',
          period: PERIOD,
        }),
      ]),
      graph('Pushes with configuration problems', [
        convergeMetric(MetricName.CONFIGURATIONS_INVALID, 'Sum').with({
          label: 'converge.yaml has problems',
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Queue depth (messages visible)',
        props.queues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
      graph(
        'Dead-letter queues (messages visible)',
        [
          ...props.queues.map(({ name, deadLetterQueue }) => ({
            name: `${name} DLQ`,
            queue: deadLetterQueue,
          })),
          { name: 'events DLQ', queue: props.eventsDeadLetterQueue },
        ].map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
      graph(
        'Oldest message age (seconds)',
        props.queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        props.functions.flatMap((fn) => [
          convergeMetric(MetricName.ERRORS, 'Sum', { Function: fn.spec.name }).with({
            label: `${fn.spec.name} (Converge)`,
          }),
          fn.function.metricErrors({ period: PERIOD, statistic: 'Sum', label: `${fn.spec.name} (Lambda)` }),
        ]),
      ),
      graph(
        'Function duration p90 (ms)',
        props.functions.map((fn) =>
          fn.function.metricDuration({ period: PERIOD, statistic: 'p90', label: fn.spec.name }),
        ),
      ),
      graph(
        'Function throttles',
        props.functions.map((fn) =>
          fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum', label: fn.spec.name }),
        ),
      ),
    );

    // Alarms: a deployment failed, drift was found, something is in a dead-letter queue, a function failed.
    this.alarm(
      'DeploymentsFailed',
      'A deployment FAILED or its plan failed (PLAN_FAILED)',
      atLeastOne([
        convergeMetric(MetricName.DEPLOYMENTS_FINISHED, 'Sum', { Outcome: DeploymentStatus.FAILED }),
        convergeMetric(MetricName.DEPLOYMENTS_FINISHED, 'Sum', { Outcome: DeploymentStatus.PLAN_FAILED }),
      ]),
    );
    this.alarm(
      'DriftFound',
      'Drift detection found a drifted stack',
      convergeMetric(MetricName.DRIFT_DETECTED, 'Sum'),
    );
    for (const { name, deadLetterQueue } of props.queues) {
      this.alarm(
        `${pascal(name)}DeadLetterMessages`,
        `A ${name} job failed five times and waits in its dead-letter queue`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      );
    }
    this.alarm(
      'EventsDeadLetterMessages',
      'A CloudFormation event or scheduled run could not be delivered or failed its retries',
      props.eventsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
    );
    for (const fn of props.functions) {
      this.alarm(
        `${pascal(fn.spec.name)}Errors`,
        `The ${fn.spec.name} function failed (unexpected error, timeout or crash)`,
        atLeastOne([
          convergeMetric(MetricName.ERRORS, 'Sum', { Function: fn.spec.name }),
          fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        ]),
      );
    }

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`,
      description: 'The Converge CloudWatch dashboard',
    });
  }

  private alarm(id: string, description: string, metric: IMetric): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: `Converge: ${description}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 8, height: 6 });
}

function percentiles(name: MetricName): IMetric[] {
  return ['p50', 'p90', 'Maximum'].map((statistic) =>
    convergeMetric(name, statistic).with({ label: statistic }),
  );
}

/** The sum of metrics, missing data counted as zero, so one alarm covers them all. */
function atLeastOne(metrics: IMetric[]): IMetric {
  const usingMetrics = Object.fromEntries(metrics.map((metric, i) => [`m${i}`, metric]));
  return new MathExpression({
    expression: metrics.map((_, i) => `FILL(m${i}, 0)`).join(' + '),
    usingMetrics,
    period: PERIOD,
  });
}

function alarmTopic(scope: Construct, props: ConvergeMonitoringProps): ITopic | undefined {
  if (props.alarmTopicArn) return Topic.fromTopicArn(scope, 'AlarmTopic', props.alarmTopicArn);
  if (!props.alarmEmail) return undefined;
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'Converge alarms', enforceSSL: true });
  topic.addSubscription(new EmailSubscription(props.alarmEmail));
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'Alarm notifications carry alarm names and metric values only, no secrets; CloudWatch cannot publish to a topic under the AWS managed SNS key, and a customer key would cost more than the data is worth.',
  });
  return topic;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
