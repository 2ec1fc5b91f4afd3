import { Aws, type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnEventBusPolicy, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SECRET_SETTINGS, type SettingName } from '../shared/runtime/config.ts';
import { CONVERGE_ON_GIT_TASK } from '../shared/use-cases/git-poll/converge-on-git.ts';
import { ConvergeFunction } from './converge-function.ts';
import type { DeployedPolicy } from './deployed-policy.ts';
import { type FunctionName, type FunctionSpec, functionSpecs } from './function-catalog.ts';
import { grantFunctionPermissions } from './function-permissions.ts';
import { ConvergeMonitoring } from './monitoring.ts';
import type { InfraSettings } from './settings.ts';
import { type StatefulStack, TEMPLATE_PREFIX } from './stateful-stack.ts';

/** `detail-type` values of the CloudFormation events Converge listens to (EventBridge reference). */
export const CLOUDFORMATION_EVENTS = {
  STACK_STATUS: 'CloudFormation Stack Status Change',
  DRIFT_DETECTION_STATUS: 'CloudFormation Drift Detection Status Change',
} as const;

/**
 * What a scheduled invocation receives: shaped like an EventBridge scheduled event
 * (`detail-type: "Scheduled Event"`, the `ScheduledEvent` type of `aws-lambda`), so a handler
 * that also takes CloudFormation events tells them apart by `detail-type` alone.
 */
export const SCHEDULED_EVENT = { source: 'converge.scheduler', detailType: 'Scheduled Event' } as const;

export interface StatelessStackProps extends StackProps {
  readonly settings: InfraSettings;
  readonly stateful: StatefulStack;
  /** The control-plane policy, read and checked at synth; bundled with every function. */
  readonly policy: DeployedPolicy;
  /** Root holding `functions/` and `package-lock.json`; tests point it at stubs. */
  readonly projectRoot: string;
}

/**
 * The functions and everything that invokes or watches them: Function URLs for GitHub and
 * Slack, the queue event sources, the CloudFormation event rules, the schedules, the
 * dashboard and the alarms. Safe to destroy and redeploy: no state lives here except the
 * dead-letter queue for failed asynchronous events (see below for why it is here).
 */
export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ConvergeFunction>>;
  readonly monitoring: ConvergeMonitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { settings, stateful } = props;

    // Failed EventBridge deliveries and failed asynchronous invocations land here. It lives in
    // this stack because its queue policy names the rules and schedules here; in the stateful
    // stack the two stacks would reference each other.
    const eventsDeadLetterQueue = new Queue(this, 'EventsDeadLetter', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(eventsDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue for failed events; an alarm fires on its first message.',
    });

    const common = commonEnvironment(settings, stateful);
    const { policy } = props;
    const ownStackNames = [stateful.stackName, this.stackName];
    const functions = {} as Record<FunctionName, ConvergeFunction>;
    for (const spec of functionSpecs(settings.githubAuth)) {
      const asyncInvoked = spec.trigger === 'stack-events' || spec.trigger === 'schedule';
      const fn = new ConvergeFunction(this, pascal(spec.name), {
        spec,
        projectRoot: props.projectRoot,
        environment: { ...common, ...secretEnvironment(spec, stateful) },
        policy,
        logRetentionDays: settings.logRetentionDays,
        logLevel: settings.logLevel,
        ...(asyncInvoked ? { asyncDeadLetterQueue: eventsDeadLetterQueue } : {}),
      });
      grantFunctionPermissions(fn.role, spec, {
        table: stateful.table,
        stackPrefix: settings.stackPrefix,
        templatePrefix: TEMPLATE_PREFIX,
        planQueue: stateful.planQueue,
        executeQueue: stateful.executeQueue,
        secrets: stateful.secrets,
        cloudFormationRole: stateful.cloudFormationRole,
        ownStackNames,
        policy: policy.policy,
        driftReadActions: settings.driftReadActions,
      });
      acknowledgeFunctionFindings(fn);
      functions[spec.name] = fn;
    }
    this.functions = functions;

    // GitHub and Slack cannot sign AWS requests, so the URLs take no IAM auth; each request
    // is authenticated by its HMAC signature (X-Hub-Signature-256, X-Slack-Signature) before
    // anything else happens.
    const webhookUrl = functions.webhook.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    const approveUrl = functions.approve.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'GitHubWebhookUrl', {
      value: webhookUrl.url,
      description: 'GitHub webhook payload URL',
    });
    new CfnOutput(this, 'SlackInteractivityUrl', {
      value: approveUrl.url,
      description: 'Slack app Interactivity request URL',
    });

    // One job per message keeps a long plan from delaying other stacks' jobs in the batch.
    functions.plan.function.addEventSource(
      new SqsEventSource(stateful.planQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );
    functions.execute.function.addEventSource(
      new SqsEventSource(stateful.executeQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );

    const eventTarget = (fn: ConvergeFunction) =>
      new LambdaFunction(fn.function, {
        deadLetterQueue: eventsDeadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      });
    new Rule(this, 'StackStatusRule', {
      description: 'CloudFormation stack status changes finish Converge deployments',
      eventPattern: { source: ['aws.cloudformation'], detailType: [CLOUDFORMATION_EVENTS.STACK_STATUS] },
      targets: [eventTarget(functions['stack-events'])],
    });
    new Rule(this, 'DriftDetectionRule', {
      description: 'CloudFormation drift detection results are recorded by the drift sweep',
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: [CLOUDFORMATION_EVENTS.DRIFT_DETECTION_STATUS],
      },
      targets: [eventTarget(functions['drift-sweep'])],
    });

    // Target accounts forward their CloudFormation events to this account's default bus, where
    // the two rules above pick them up like this account's own.
    for (const account of policy.policy.accounts) {
      new CfnEventBusPolicy(this, `TargetAccountEvents${account.id}`, {
        statementId: `converge-target-${account.id}`,
        statement: {
          Effect: 'Allow',
          Principal: { AWS: `arn:${Aws.PARTITION}:iam::${account.id}:root` },
          Action: 'events:PutEvents',
          Resource: `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`,
          Condition: { StringEquals: { 'events:source': 'aws.cloudformation' } },
        },
      });
    }
    // CloudFormation in a target account reads a large template from the artifact bucket with the
    // deploy role's credentials: those roles may read the templates prefix, nothing else.
    if (policy.policy.accounts.length > 0) {
      stateful.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: 'TargetAccountTemplates',
          principals: policy.policy.accounts.map((account) => new AccountPrincipal(account.id)),
          actions: ['s3:GetObject'],
          resources: [stateful.bucket.arnForObjects(`${TEMPLATE_PREFIX}*`)],
          conditions: {
            ArnEquals: { 'aws:PrincipalArn': policy.policy.accounts.map((account) => account.roleArn) },
          },
        }),
      );
    }

    scheduled(this, 'DriftSweepSchedule', functions['drift-sweep'], settings.driftSweepIntervalMinutes, {
      deadLetterQueue: eventsDeadLetterQueue,
      task: 'drift-sweep',
    });
    scheduled(this, 'ReconcileSchedule', functions.reconcile, settings.reconcileIntervalMinutes, {
      deadLetterQueue: eventsDeadLetterQueue,
      task: 'reconcile',
    });
    // The reconcile of Git itself: a push whose webhook was lost or refused is planned from the branch head.
    // A head committed in the last two minutes is left to its own webhook, so the two never plan it twice.
    scheduled(this, 'GitPollSchedule', functions.reconcile, settings.gitPollIntervalMinutes, {
      deadLetterQueue: eventsDeadLetterQueue,
      task: CONVERGE_ON_GIT_TASK,
      detail: { minCommitAgeSeconds: 120 },
    });

    // Drift detection reads live resources with the caller's credentials: managed policies only
    // when the operator names them (converge:driftReadPolicies); none by default.
    const driftRole = functions['drift-sweep'].role;
    for (const name of settings.driftReadPolicies) {
      driftRole.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName(name));
      Validations.of(driftRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          "CloudFormation drift detection reads each resource with the caller's credentials, and the resource types are whatever the managed stacks declare; the operator chose this policy with context converge:driftReadPolicies (none by default).",
      });
    }

    this.monitoring = new ConvergeMonitoring(this, 'Monitoring', {
      functions: Object.values(functions),
      queues: [
        { name: 'plan', queue: stateful.planQueue, deadLetterQueue: stateful.planDeadLetterQueue },
        { name: 'execute', queue: stateful.executeQueue, deadLetterQueue: stateful.executeDeadLetterQueue },
      ],
      eventsDeadLetterQueue,
      ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
  }
}

/** Settings every function gets (`shared/runtime/config.ts` reads them). */
function commonEnvironment(
  settings: InfraSettings,
  stateful: StatefulStack,
): Partial<Record<SettingName, string>> {
  const env: Partial<Record<SettingName, string>> = {
    CONVERGE_TABLE_NAME: stateful.table.tableName,
    CONVERGE_PLAN_QUEUE_URL: stateful.planQueue.queueUrl,
    CONVERGE_EXECUTE_QUEUE_URL: stateful.executeQueue.queueUrl,
    CONVERGE_ARTIFACT_BUCKET: stateful.bucket.bucketName,
    CONVERGE_ARTIFACT_PREFIX: TEMPLATE_PREFIX,
    CONVERGE_CFN_ROLE_ARN: stateful.cloudFormationRole.roleArn,
  };
  if (settings.githubApiUrl) env.CONVERGE_GITHUB_API_URL = settings.githubApiUrl;
  if (settings.githubAppId) env.CONVERGE_GITHUB_APP_ID = settings.githubAppId;
  if (settings.githubInstallationId) env.CONVERGE_GITHUB_INSTALLATION_ID = settings.githubInstallationId;
  if (settings.slackApiUrl) env.CONVERGE_SLACK_API_URL = settings.slackApiUrl;
  if (settings.slackChannel) env.CONVERGE_SLACK_CHANNEL = settings.slackChannel;
  if (settings.driftMaxConcurrency) env.CONVERGE_DRIFT_MAX_CONCURRENCY = String(settings.driftMaxConcurrency);
  return env;
}

/** The ARNs of the secrets this function reads, and no others. */
function secretEnvironment(
  spec: FunctionSpec,
  stateful: StatefulStack,
): Partial<Record<SettingName, string>> {
  const env: Partial<Record<SettingName, string>> = {};
  for (const name of spec.secrets) {
    const secret = stateful.secrets[name];
    if (secret) env[SECRET_SETTINGS[name].arn] = secret.secretArn;
  }
  return env;
}

function scheduled(
  scope: Construct,
  id: string,
  fn: ConvergeFunction,
  minutes: number,
  options: { deadLetterQueue: Queue; task: string; detail?: Readonly<Record<string, string | number>> },
): void {
  const stack = Stack.of(scope);
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
    description: `Lets EventBridge Scheduler invoke the Converge ${fn.spec.name} function`,
  });
  // The target grants invoke on the function and its versions (`<arn>:*`); Converge invokes
  // only the unqualified function, but the grant is CDK's and harmless.
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.function.node.defaultChild as CfnElement)}.Arn>:*]`,
    reason:
      'Invoke on this one function and its versions, as the Scheduler Lambda target grants it; no other function.',
  });
  new Schedule(scope, id, {
    description: `Converge ${options.task} every ${minutes} minutes`,
    schedule: ScheduleExpression.rate(Duration.minutes(minutes)),
    target: new LambdaInvoke(fn.function, {
      role,
      deadLetterQueue: options.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.minutes(Math.max(1, Math.min(minutes, 60))),
      input: ScheduleTargetInput.fromObject({
        version: '0',
        id: ContextAttribute.executionId,
        source: SCHEDULED_EVENT.source,
        'detail-type': SCHEDULED_EVENT.detailType,
        account: stack.account,
        region: stack.region,
        time: ContextAttribute.scheduledTime,
        resources: [ContextAttribute.scheduleArn],
        detail: { task: options.task, ...options.detail },
      }),
    }),
  });
}

/** cdk-nag findings every Converge function carries by design, each with its reason. */
function acknowledgeFunctionFindings(fn: ConvergeFunction): void {
  Validations.of(fn.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Converge targets nodejs22.x, the runtime its tests, bundle target and Powertools version are verified on; moving runtimes is a deliberate change, not a lint fix.',
  });
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Only actions AWS offers no resource-level permission for: xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) and cloudformation:DescribeStackDriftDetectionStatus (drift sweep), see WILDCARD_RESOURCE_ACTIONS; and on the drift function, the resource reads the operator names in converge:driftReadActions (drift detection reads resources with its credentials).',
  });
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
