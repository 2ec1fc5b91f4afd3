import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { type AttributeType, BillingMode, type ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TableSchema } from '../shared/domain/table/table-schema.ts';
import type { SecretName } from '../shared/runtime/config.ts';
import { visibilityTimeoutSeconds } from './function-catalog.ts';
import type { InfraSettings } from './settings.ts';

/** Key prefix in the artifact bucket for uploaded templates (matches the runtime default). */
export const TEMPLATE_PREFIX = 'templates/';

/**
 * The artifact bucket's name: fixed per prefix, account and region, so the stateless stack
 * can write the templates ARN from pseudo parameters instead of a cross-stack token (which
 * would make the IAM policy text, and its reviewed cdk-nag acknowledgement, change with
 * logical ids).
 */
export function artifactBucketName(
  stackPrefix: string,
  pseudo: { accountId: string; region: string } = { accountId: Aws.ACCOUNT_ID, region: Aws.REGION },
): string {
  return `${stackPrefix.toLowerCase()}-artifacts-${pseudo.accountId}-${pseudo.region}`;
}

export interface StatefulStackProps extends StackProps {
  readonly settings: InfraSettings;
}

/**
 * What must outlive any redeploy of the functions: the table, the artifact bucket, the FIFO
 * queues and their dead-letter queues, the secrets, and the CloudFormation service role
 * that managed stacks are bound to. Everything here is retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly bucket: IBucket;
  readonly planQueue: IQueue;
  readonly executeQueue: IQueue;
  readonly planDeadLetterQueue: IQueue;
  readonly executeDeadLetterQueue: IQueue;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  /** CloudFormation assumes this role to create stack resources; functions only pass it. */
  readonly cloudFormationRole: IRole;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { settings } = props;

    // The same schema the local host and the DynamoDB store use (shared/domain/table/table-schema.ts).
    this.table = new Table(this, 'Table', {
      partitionKey: {
        name: TableSchema.partitionKey.name,
        type: TableSchema.partitionKey.type as AttributeType,
      },
      sortKey: { name: TableSchema.sortKey.name, type: TableSchema.sortKey.type as AttributeType },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TableSchema.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TableSchema.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey.name, type: index.partitionKey.type as AttributeType },
        sortKey: { name: index.sortKey.name, type: index.sortKey.type as AttributeType },
        projectionType: index.projection as ProjectionType,
      });
    }

    const bucket = new Bucket(this, 'Artifacts', {
      bucketName: artifactBucketName(settings.stackPrefix),
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Templates are needed only while their change set lives; old ones are clutter.
        { id: 'expire-templates', prefix: TEMPLATE_PREFIX, expiration: Duration.days(30) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds copies of templates that are in Git; who wrote them is in the Converge audit records and CloudTrail, so server access logs would add cost without information.',
    });
    this.bucket = bucket;

    this.planDeadLetterQueue = fifoQueue(this, 'PlanDeadLetter', Duration.days(14));
    this.executeDeadLetterQueue = fifoQueue(this, 'ExecuteDeadLetter', Duration.days(14));
    this.planQueue = fifoQueue(this, 'Plan', Duration.days(4), {
      visibility: Duration.seconds(visibilityTimeoutSeconds('plan')),
      deadLetterQueue: this.planDeadLetterQueue,
    });
    this.executeQueue = fifoQueue(this, 'Execute', Duration.days(4), {
      visibility: Duration.seconds(visibilityTimeoutSeconds('execute')),
      deadLetterQueue: this.executeDeadLetterQueue,
    });

    this.secrets = createSecrets(this, settings);

    const cloudFormationRole = new Role(this, 'CloudFormationServiceRole', {
      assumedBy: new ServicePrincipal('cloudformation.amazonaws.com'),
      description: 'Creates the resources of stacks Converge manages; Converge functions pass it as RoleARN',
      managedPolicies: settings.cloudFormationRolePolicies.map((name) =>
        ManagedPolicy.fromAwsManagedPolicyName(name),
      ),
    });
    for (const name of settings.cloudFormationRolePolicies) {
      Validations.of(cloudFormationRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        reason:
          "This role creates whatever the infrastructure repository declares, so its reach is the operator's choice (context converge:cloudFormationRolePolicies). The functions never hold these permissions; they may only pass the role to CloudFormation.",
      });
    }
    this.cloudFormationRole = cloudFormationRole;
  }
}

function fifoQueue(
  scope: Construct,
  id: string,
  retention: Duration,
  options: { visibility?: Duration; deadLetterQueue?: IQueue } = {},
): Queue {
  const queue = new Queue(scope, id, {
    fifo: true,
    // Converge sets MessageDeduplicationId itself (delivery id, deployment id).
    contentBasedDeduplication: false,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: retention,
    ...(options.visibility ? { visibilityTimeout: options.visibility } : {}),
    ...(options.deadLetterQueue
      ? { deadLetterQueue: { queue: options.deadLetterQueue, maxReceiveCount: 5 } }
      : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  if (!options.deadLetterQueue) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This is a dead-letter queue; its messages wait for a person (an alarm fires on the first one).',
    });
  }
  return queue;
}

/** The secret for each credential this deployment uses; values are put in after deploy (docs/deploy.md). */
function createSecrets(scope: Construct, settings: InfraSettings): Partial<Record<SecretName, ISecret>> {
  const wanted: [SecretName, string][] = [
    ['githubWebhookSecret', 'The secret GitHub signs webhook deliveries with (X-Hub-Signature-256)'],
    settings.githubAuth === 'app'
      ? ['githubPrivateKey', 'The GitHub App private key (PEM)']
      : [
          'githubToken',
          'A GitHub token with contents:read, checks:write, pull_requests:write, statuses:write',
        ],
    ['slackSigningSecret', 'The Slack app signing secret (X-Slack-Signature)'],
    ['slackBotToken', 'The Slack bot token (xoxb-...)'],
  ];
  const secrets: Partial<Record<SecretName, ISecret>> = {};
  for (const [name, description] of wanted) {
    const secret = new Secret(scope, pascal(name), {
      description: `Converge: ${description}`,
      // The webhook secret is generated here and pasted into GitHub; the others are replaced
      // with the values GitHub and Slack issue.
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'GitHub and Slack issue these credentials; Secrets Manager cannot rotate them. docs/deploy.md describes rotating them by hand.',
    });
    secrets[name] = secret;
  }
  return secrets;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
