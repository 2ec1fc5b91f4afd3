import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, type FunctionName } from '../../../infra/function-catalog.ts';
import { DRIFT_READS_SID, WILDCARD_RESOURCE_ACTIONS } from '../../../infra/function-permissions.ts';
import { CLOUDFORMATION_EVENTS } from '../../../infra/stateless-stack.ts';
import { MetricName } from '../../../shared/runtime/observability.ts';
import { type SynthesizedApp, synthesizeApp } from './synthesized-app.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
type Described = Record<string, unknown> & { id: string };
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Sid?: string;
}

let app: SynthesizedApp;
let stateless: Resources;
let stateful: Resources;

beforeAll(() => {
  app = synthesizeApp();
  stateless = app.stateless.toJSON().Resources as Resources;
  stateful = app.stateful.toJSON().Resources as Resources;
}, 240_000);

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function ofType(resources: Resources, type: string) {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Every IAM statement attached to a function's role (its default policy). */
function statementsOf(name: FunctionName): Statement[] {
  const rolePrefix = `${pascal(name)}Role`;
  return ofType(stateless, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(rolePrefix)),
    )
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function actionsOf(name: FunctionName, effect: 'Allow' | 'Deny' = 'Allow'): string[] {
  return statementsOf(name)
    .filter((s) => s.Effect === effect)
    .flatMap((s) => asList(s.Action));
}

function allStatements(): Statement[] {
  return [stateful, stateless].flatMap((resources) => [
    ...ofType(resources, 'AWS::IAM::Policy').flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    ),
    ...ofType(resources, 'AWS::IAM::Role').flatMap(([, r]) =>
      ((r.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      ),
    ),
  ]);
}

describe('synthesis', () => {
  it('synthesizes both stacks in-process, offline', () => {
    expect(app.assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      'ConvergeStateful',
      'ConvergeStateless',
    ]);
  });

  it('passes the AWS Solutions checks with every finding acknowledged', () => {
    const report = new AwsSolutionsChecks(app.built.app).validateScope(app.built.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('gives every acknowledgement a written reason', () => {
    const reasons: string[] = [];
    for (const construct of app.built.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== 'aws:cdk:acknowledged-rules') continue;
        // Each entry is `{ [ruleId]: reason }`.
        reasons.push(...Object.values(entry.data as Record<string, string>));
      }
    }
    expect(reasons.length).toBeGreaterThan(5);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('stateful stack', () => {
  it('keeps one on-demand table with the shared keys, both indexes, TTL, PITR and deletion protection', () => {
    app.stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    app.stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'byStack',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({
            IndexName: 'byStatus',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
          }),
        ],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('keeps a private, versioned, encrypted artifact bucket that expires old templates', () => {
    app.stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'templates/', ExpirationInDays: 30, Status: 'Enabled' }),
            Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
          ]),
        },
      },
    });
    app.stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has two FIFO job queues without content-based dedupe, each redriving to a FIFO dead-letter queue', () => {
    const queues = ofType(stateful, 'AWS::SQS::Queue').map(([id, q]): Described => ({ ...q.Properties, id }));
    expect(queues).toHaveLength(4);
    for (const queue of queues) {
      expect(queue).toMatchObject({ FifoQueue: true, SqsManagedSseEnabled: true });
      expect(queue.ContentBasedDeduplication).not.toBe(true);
    }
    const redriven = queues.filter((q) => q.RedrivePolicy);
    expect(redriven.map((q) => q.id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual(['Execute', 'Plan']);
    for (const queue of redriven) expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
    // Six times the consumer's timeout: plan 300 s, execute 60 s.
    expect(redriven.map((q) => q.VisibilityTimeout).sort()).toEqual([1800, 360]);
  });

  it('keeps the four credentials in Secrets Manager (a GitHub token by default)', () => {
    const descriptions = ofType(stateful, 'AWS::SecretsManager::Secret').map(
      ([, s]) => s.Properties.Description as string,
    );
    expect(descriptions).toHaveLength(4);
    expect(descriptions.join('\n')).toMatch(
      /webhook[\s\S]*GitHub token[\s\S]*signing secret[\s\S]*bot token/,
    );
  });

  it('defines the CloudFormation service role for CloudFormation alone to assume', () => {
    app.stateful.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })],
      },
    });
  });
});

describe('stateless stack: functions', () => {
  it('deploys the seven functions on nodejs22.x, arm64, with active tracing and Powertools settings', () => {
    const functions = ofType(stateless, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'converge',
            POWERTOOLS_METRICS_NAMESPACE: 'Converge',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            CONVERGE_TABLE_NAME: expect.anything(),
          }),
        },
      });
    }
  });

  it('keeps logs in explicit log groups with retention', () => {
    const groups = ofType(stateless, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(FUNCTION_NAMES.length);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('gives each function only the secret ARNs it reads', () => {
    const env = (name: FunctionName) =>
      Object.keys(
        (
          stateless[Object.keys(stateless).find((id) => id.startsWith(`${pascal(name)}Function`))!]!
            .Properties.Environment as { Variables: Record<string, unknown> }
        ).Variables,
      ).filter((key) => key.endsWith('_SECRET_ARN'));
    expect(env('webhook').sort()).toEqual([
      'CONVERGE_GITHUB_TOKEN_SECRET_ARN',
      'CONVERGE_GITHUB_WEBHOOK_SECRET_ARN',
      'CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN',
    ]);
    expect(env('approve').sort()).toEqual([
      'CONVERGE_GITHUB_TOKEN_SECRET_ARN',
      'CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN',
      'CONVERGE_SLACK_SIGNING_SECRET_ARN',
    ]);
    expect(env('plan').sort()).toEqual([
      'CONVERGE_GITHUB_TOKEN_SECRET_ARN',
      'CONVERGE_SLACK_BOT_TOKEN_SECRET_ARN',
    ]);
    expect(env('reconcile')).not.toContain('CONVERGE_SLACK_SIGNING_SECRET_ARN');
  });

  it('limits reconcile and drift-sweep to one run at a time, and caps the two public functions', () => {
    const reserved = ofType(stateless, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id, fn]) => [id.replace(/Function.*$/, ''), fn.Properties.ReservedConcurrentExecutions]);
    expect(reserved.sort()).toEqual([
      ['Approve', 10],
      ['DriftSweep', 1],
      ['Reconcile', 1],
      ['Webhook', 10],
    ]);
  });

  it('points every function at the bundled control-plane policy, and sets none of the settings it replaced', () => {
    for (const [, fn] of ofType(stateless, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.CONVERGE_POLICY_FILE).toBe('/var/task/converge-policy.yaml');
      for (const retired of [
        'CONVERGE_TRACKED_BRANCHES',
        'CONVERGE_GITHUB_REPOSITORIES',
        'CONVERGE_TARGET_ROLE_ARNS',
      ]) {
        expect(variables).not.toHaveProperty(retired);
      }
    }
  });
});

describe('stateless stack: triggers', () => {
  it('exposes webhook and approve as Function URLs without IAM auth (requests are signed by GitHub and Slack)', () => {
    const urls = ofType(stateless, 'AWS::Lambda::Url').map(([, url]) => url.Properties);
    expect(urls).toHaveLength(2);
    const targets = urls.map((url) => (url.TargetFunctionArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    expect(targets.map((t) => t!.replace(/Function.*$/, '')).sort()).toEqual(['Approve', 'Webhook']);
    for (const url of urls) expect(url.AuthType).toBe('NONE');
  });

  it('lets the public invoke those two functions only through their URLs', () => {
    const invokes = ofType(stateless, 'AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => p.Principal === '*');
    expect(invokes).toHaveLength(4);
    for (const permission of invokes) {
      expect(permission.FunctionUrlAuthType === 'NONE' || permission.InvokedViaFunctionUrl === true).toBe(
        true,
      );
    }
  });

  it('feeds plan and execute from their FIFO queues, reporting batch item failures', () => {
    const mappings = ofType(stateless, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties);
    expect(mappings).toHaveLength(2);
    for (const mapping of mappings) {
      expect(mapping).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 1 });
    }
  });

  it.each([
    [CLOUDFORMATION_EVENTS.STACK_STATUS, 'StackEvents'],
    [CLOUDFORMATION_EVENTS.DRIFT_DETECTION_STATUS, 'DriftSweep'],
  ])('routes "%s" events to %s, with a dead-letter queue', (detailType, target) => {
    const rule = ofType(stateless, 'AWS::Events::Rule').find(
      ([, r]) => (r.Properties.EventPattern as { 'detail-type': string[] })['detail-type'][0] === detailType,
    );
    expect(rule?.[1].Properties).toMatchObject({
      EventPattern: { source: ['aws.cloudformation'] },
      Targets: [
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${target}Function`)), 'Arn'] },
          DeadLetterConfig: { Arn: expect.anything() },
        }),
      ],
    });
  });

  it.each([
    ['DriftSweep', 'drift-sweep', 'rate(2 hours)'],
    ['Reconcile', 'reconcile', 'rate(10 minutes)'],
    // The Git poll: the reconcile function's second task, on its own interval (5 minutes by default).
    ['Reconcile', 'converge-on-git', 'rate(5 minutes)'],
  ])(
    'schedules %s (task %s) at the configured %s through EventBridge Scheduler',
    (target, task, expression) => {
      const schedule = ofType(stateless, 'AWS::Scheduler::Schedule').find(
        ([, s]) =>
          JSON.stringify(s.Properties.Target).includes(`${target}Function`) &&
          JSON.stringify(s.Properties.Target).includes(`\\"task\\":\\"${task}\\"`),
      );
      expect(schedule?.[1].Properties).toMatchObject({
        ScheduleExpression: expression,
        Target: { DeadLetterConfig: { Arn: expect.anything() } },
      });
      // Shaped like an EventBridge scheduled event: the drift-sweep handler tells it from a drift event by detail-type.
      const input = JSON.stringify(schedule?.[1].Properties.Target);
      expect(input).toContain('\\"detail-type\\":\\"Scheduled Event\\"');
      expect(input).toContain('<aws.scheduler.scheduled-time>');
    },
  );

  it('leaves heads committed in the last two minutes to their webhooks on the Git poll schedule', () => {
    const schedule = ofType(stateless, 'AWS::Scheduler::Schedule').find(([, s]) =>
      JSON.stringify(s.Properties.Target).includes('converge-on-git'),
    );
    expect(JSON.stringify(schedule?.[1].Properties.Target)).toContain('\\"minCommitAgeSeconds\\":120');
  });
});

describe('least privilege', () => {
  it('grants no wildcard action anywhere', () => {
    const wildcards = allStatements()
      .flatMap((s) => asList(s.Action))
      .filter((action) => action.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it('uses a "*" resource only for actions AWS cannot scope, and the drift reads the operator named', () => {
    const onStar = allStatements().filter(
      (s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')),
    );
    const unscopable = onStar.filter((s) => s.Sid !== DRIFT_READS_SID).flatMap((s) => asList(s.Action));
    expect(unscopable.length).toBeGreaterThan(0);
    for (const action of unscopable) expect(Object.keys(WILDCARD_RESOURCE_ACTIONS)).toContain(action);
    const driftReads = onStar.filter((s) => s.Sid === DRIFT_READS_SID);
    expect(driftReads.flatMap((s) => asList(s.Action)).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'ssm:GetParameters',
    ]);
    expect(statementsOf('drift-sweep').filter((s) => s.Sid === DRIFT_READS_SID)).toHaveLength(1);
  });

  it('narrows every CloudFormation grant to the stack globs of the control-plane policy', () => {
    const stackNames = (statement: Statement) =>
      asList(statement.Resource)
        .map((resource) => JSON.stringify(resource).match(/:stack\/([^/]+)\/\*/)?.[1])
        .filter((name) => name !== undefined)
        .sort();
    for (const name of FUNCTION_NAMES) {
      for (const statement of statementsOf(name).filter(
        (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a.startsWith('cloudformation:')),
      )) {
        if (statement.Sid === 'DriftDetectionStatus') continue;
        expect(stackNames(statement)).toEqual(['app-*', 'data-*', 'network-prod']);
      }
    }
    expect(JSON.stringify(statementsOf('execute'))).toContain(':changeSet/converge-*/*');
  });

  it('lets plan and drift-sweep create change sets only with the service role, a converge- name and the converge:managed tag', () => {
    for (const name of ['plan', 'drift-sweep'] as const) {
      const create = statementsOf(name).filter(
        (s) => s.Effect === 'Allow' && asList(s.Action).includes('cloudformation:CreateChangeSet'),
      );
      expect(create).toHaveLength(1);
      expect(create[0]).toMatchObject({
        Sid: 'CreateTaggedChangeSets',
        Condition: {
          StringEquals: { 'aws:RequestTag/converge:managed': 'true' },
          StringLike: { 'cloudformation:ChangeSetName': 'converge-*' },
          ArnEquals: {
            'cloudformation:RoleArn': [
              { 'Fn::ImportValue': expect.stringMatching(/CloudFormationServiceRole/) },
            ],
          },
        },
      });
    }
  });

  it('lets plan delete only stacks tagged converge:managed=true', () => {
    const deletes = statementsOf('plan').filter((s) =>
      asList(s.Action).includes('cloudformation:DeleteStack'),
    );
    expect(deletes.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Sid: 'DeleteTaggedStacks',
        Condition: { StringEquals: { 'aws:ResourceTag/converge:managed': 'true' } },
      }),
    ]);
  });

  it("denies every CloudFormation action on the policy's protected stacks", () => {
    for (const name of FUNCTION_NAMES) {
      const deny = statementsOf(name).find((s) => s.Sid === 'NotProtectedStacks');
      if (!actionsOf(name).some((a) => a.startsWith('cloudformation:'))) {
        expect(deny).toBeUndefined();
        continue;
      }
      expect(deny?.Effect).toBe('Deny');
      expect(asList(deny!.Action).sort()).toEqual(
        [...new Set(actionsOf(name).filter((a) => a.startsWith('cloudformation:')))]
          .filter((a) => a !== 'cloudformation:DescribeStackDriftDetectionStatus')
          .sort(),
      );
      expect(JSON.stringify(deny!.Resource)).toMatch(/stack\/CDKToolkit\/\*[\s\S]*stack\/StackSet-\*\/\*/);
    }
  });

  it('lets only the functions that create change sets (plan, drift-sweep) pass the service role, only to CloudFormation', () => {
    for (const name of FUNCTION_NAMES) {
      expect(actionsOf(name).includes('iam:PassRole')).toBe(name === 'plan' || name === 'drift-sweep');
    }
    for (const name of ['plan', 'drift-sweep'] as const) {
      expect(statementsOf(name).find((s) => s.Sid === 'PassServiceRole')).toMatchObject({
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      });
    }
  });

  it.each([
    ['webhook', ['DeleteChangeSet']],
    ['approve', ['DeleteChangeSet']],
    [
      'plan',
      [
        'CreateChangeSet',
        'DeleteChangeSet',
        'DeleteStack',
        'DescribeChangeSet',
        'DescribeStackEvents',
        'DescribeStacks',
        'TagResource',
      ],
    ],
    [
      'execute',
      ['DeleteChangeSet', 'DescribeChangeSet', 'DescribeStackEvents', 'DescribeStacks', 'ExecuteChangeSet'],
    ],
    ['stack-events', ['DescribeStackEvents', 'DescribeStacks']],
    [
      'reconcile',
      ['DeleteChangeSet', 'DescribeChangeSet', 'DescribeStackEvents', 'DescribeStacks', 'ExecuteChangeSet'],
    ],
    [
      'drift-sweep',
      [
        'CreateChangeSet',
        'DeleteChangeSet',
        'DescribeChangeSet',
        'DescribeStackDriftDetectionStatus',
        'DescribeStackResourceDrifts',
        'DescribeStacks',
        'DetectStackDrift',
        'DetectStackResourceDrift',
        'ListStackResources',
        'TagResource',
      ],
    ],
  ] as [FunctionName, string[]][])('gives %s exactly its CloudFormation calls', (name, expected) => {
    const calls = actionsOf(name)
      .filter((a) => a.startsWith('cloudformation:'))
      .map((a) => a.slice('cloudformation:'.length));
    expect([...new Set(calls)].sort()).toEqual(expected);
  });

  it('denies every function that touches CloudFormation its own stacks', () => {
    for (const name of FUNCTION_NAMES) {
      const deny = statementsOf(name).find((s) => s.Sid === 'NotConvergeItself');
      expect(JSON.stringify(deny?.Resource)).toMatch(
        /stack\/ConvergeStateful\/\*[\s\S]*stack\/ConvergeStateless\/\*/,
      );
    }
  });

  it.each([
    ['webhook', ['Execute', 'Plan']],
    ['approve', ['Execute', 'Plan']],
    ['plan', ['Execute', 'Plan']],
    ['drift-sweep', ['Execute']],
    ['execute', ['Execute', 'Plan']],
    ['stack-events', ['Plan']],
    ['reconcile', ['Execute', 'Plan']],
  ] as [FunctionName, string[]][])('lets %s send jobs only to %j', (name, queues) => {
    const send = statementsOf(name).filter((s) => asList(s.Action).includes('sqs:SendMessage'));
    const targets = send
      .flatMap((s) => asList(s.Resource))
      .map((r) =>
        JSON.stringify(r).match(/GetAtt(Plan|Execute)[A-F0-9]{8}Arn|"(EventsDeadLetter)[A-F0-9]{8}"/),
      )
      .map((m) => m?.[1] ?? m?.[2]);
    // Asynchronously invoked functions also write their failed events to the events dead-letter queue.
    const asyncInvoked = ['stack-events', 'reconcile', 'drift-sweep'].includes(name);
    expect(targets.sort()).toEqual([...queues, ...(asyncInvoked ? ['EventsDeadLetter'] : [])].sort());
  });

  it('grants sts:AssumeRole to no function: Converge deploys into its own account', () => {
    for (const name of FUNCTION_NAMES) expect(actionsOf(name)).not.toContain('sts:AssumeRole');
  });

  it('limits template access to the templates/ prefix of the artifact bucket, for plan and drift-sweep', () => {
    for (const name of FUNCTION_NAMES) {
      const s3 = statementsOf(name).filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')));
      expect(s3.length > 0).toBe(name === 'plan' || name === 'drift-sweep');
    }
    expect(JSON.stringify(statementsOf('plan').find((s) => s.Sid === 'Templates')?.Resource)).toContain(
      '/templates/*',
    );
  });

  it('gives no function a managed policy (the drift function holds no ReadOnlyAccess)', () => {
    const withManaged = ofType(stateless, 'AWS::IAM::Role')
      .filter(([, role]) => role.Properties.ManagedPolicyArns)
      .map(([id]) => id.replace(/Role.*$/, ''));
    expect(withManaged).toEqual([]);
  });
});

describe('dashboard and alarms', () => {
  it('charts every Converge metric, queue and dead-letter depth, and function errors and duration', () => {
    const dashboard = JSON.stringify(
      ofType(stateless, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties.DashboardBody,
    );
    for (const metric of Object.values(MetricName)) expect(dashboard).toContain(metric);
    for (const text of [
      'ApproximateNumberOfMessagesVisible',
      'Dead-letter queues',
      'AWS/Lambda',
      'Duration',
      'Errors',
      'Outcome',
      'SUCCEEDED',
      'FAILED',
    ]) {
      expect(dashboard).toContain(text);
    }
  });

  it('alarms on failed deployments, drift, dead letters and each function, notifying the alarm topic', () => {
    const alarms = ofType(stateless, 'AWS::CloudWatch::Alarm').map(
      ([id, a]): Described => ({ ...a.Properties, id }),
    );
    const ids = alarms.map((a) => a.id.replace(/[A-F0-9]{8}$/, ''));
    for (const expected of [
      'MonitoringDeploymentsFailed',
      'MonitoringDriftFound',
      'MonitoringPlanDeadLetterMessages',
      'MonitoringExecuteDeadLetterMessages',
      'MonitoringEventsDeadLetterMessages',
      ...FUNCTION_NAMES.map((name) => `Monitoring${pascal(name)}Errors`),
    ]) {
      expect(ids).toContain(expected);
    }
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) }]);
    }
    app.stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
