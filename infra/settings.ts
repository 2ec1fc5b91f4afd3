import * as z from 'zod';

/**
 * Deployment choices read from CDK context (`cdk.json` or `-c converge:key=value`). Every key
 * but `converge:policyFile` is optional; an unknown `converge:` key is rejected so a typo fails
 * at synth, not in production.
 */
export interface InfraSettings {
  /** The control-plane policy file (docs/policy.md), as given; `readDeployedPolicy` reads and checks it. */
  readonly policyFile: string;
  /** Prefix of the two stack names: `<prefix>Stateful`, `<prefix>Stateless`. */
  readonly stackPrefix: string;
  /** How GitHub is authenticated: a GitHub App (private key) or a token. */
  readonly githubAuth: 'app' | 'token';
  readonly githubAppId?: string;
  /** The App's installation id (with `githubAuth: app`). */
  readonly githubInstallationId?: string;
  readonly githubApiUrl?: string;
  readonly slackApiUrl?: string;
  readonly slackChannel?: string;
  /** Drift detections one sweep keeps running at once (CloudFormation limits them). */
  readonly driftMaxConcurrency?: number;
  /** Minutes between drift sweeps (EventBridge Scheduler). */
  readonly driftSweepIntervalMinutes: number;
  /** Minutes between reconcile runs. */
  readonly reconcileIntervalMinutes: number;
  /** Minutes between polls of the tracked branch heads (the reconcile function's converge-on-git task). */
  readonly gitPollIntervalMinutes: number;
  readonly logRetentionDays: number;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** AWS managed policies of the CloudFormation service role (what stacks may create). */
  readonly cloudFormationRolePolicies: readonly string[];
  /**
   * IAM actions drift detection needs to read the live resources of managed stacks: CloudFormation
   * reads each resource with the caller's credentials, so these are the read-handler permissions
   * of the resource types the stacks declare. Specific actions only; none by default.
   */
  readonly driftReadActions: readonly string[];
  /** AWS managed policies granted to the drift function for the same purpose; none by default. */
  readonly driftReadPolicies: readonly string[];
  /** Alarm notifications: an existing SNS topic, or an email address for a topic Converge creates. */
  readonly alarmTopicArn?: string;
  readonly alarmEmail?: string;
  /**
   * Converge's default event bus (`arn:aws:events:<region>:<account>:event-bus/default`): with it,
   * the app also builds one target-account stack per account the policy lists, whose rule
   * forwards CloudFormation events to this bus.
   */
  readonly eventBusArn?: string;
}

const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()))]);
/** A single IAM action such as `sqs:GetQueueAttributes`: no wildcard, so nothing is granted by accident. */
const actionList = list.pipe(
  z.array(
    z
      .string()
      .regex(
        /^[a-z0-9-]+:[A-Za-z0-9]+$/,
        'must be IAM actions without wildcards, such as sqs:GetQueueAttributes',
      ),
  ),
);
/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const minutes = z.coerce
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);

const SCHEMA = z
  .object({
    'converge:policyFile': z
      .string({
        error:
          'is required: the path of the control-plane policy file (docs/policy.md), e.g. -c converge:policyFile=policy.yaml',
      })
      .trim()
      .min(1, { error: 'must name the control-plane policy file (docs/policy.md)' }),
    'converge:stackPrefix': z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/)
      .default('Converge'),
    'converge:githubAuth': z.enum(['app', 'token']).default('token'),
    'converge:githubAppId': z.coerce.string().regex(/^\d+$/).optional(),
    'converge:githubInstallationId': z.coerce.string().regex(/^\d+$/).optional(),
    'converge:githubApiUrl': z.url().optional(),
    'converge:slackApiUrl': z.url().optional(),
    'converge:slackChannel': z.string().min(1).optional(),
    'converge:driftSweepIntervalMinutes': minutes.default(360),
    'converge:driftMaxConcurrency': z.coerce.number().int().min(1).max(100).optional(),
    'converge:reconcileIntervalMinutes': minutes.default(5),
    'converge:gitPollIntervalMinutes': minutes.default(5),
    'converge:logRetentionDays': z.coerce
      .number()
      .refine((days) => RETENTION_DAYS.includes(days), `must be one of ${RETENTION_DAYS.join(', ')}`)
      .default(30),
    'converge:logLevel': z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    'converge:cloudFormationRolePolicies': list.default(['AdministratorAccess']),
    'converge:driftReadActions': actionList.default([]),
    'converge:driftReadPolicies': list.default([]),
    'converge:alarmTopicArn': z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:/)
      .optional(),
    'converge:alarmEmail': z.email().optional(),
    'converge:eventBusArn': z
      .string()
      .regex(/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/default$/, {
        error:
          "must be the ARN of Converge's default event bus, arn:aws:events:<region>:<account>:event-bus/default",
      })
      .optional(),
  })
  .strict();

/** The CDK context is invalid; the message names each key and what it should be. */
export class InfraSettingsInvalidError extends Error {
  constructor(problems: readonly string[]) {
    super(`Converge CDK context is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'InfraSettingsInvalidError';
  }
}

/**
 * Reads the `converge:` keys out of a CDK context object (other keys, such as CDK feature
 * flags, are left alone).
 *
 * @example
 * const settings = parseInfraSettings(app.node.getAllContext());
 */
export function parseInfraSettings(context: Readonly<Record<string, unknown>>): InfraSettings {
  const ours = Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('converge:')));
  const parsed = SCHEMA.safeParse(ours);
  if (!parsed.success) {
    throw new InfraSettingsInvalidError(
      parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown context keys ${issue.keys.join(', ')}: remove them or fix the spelling`
          : `${issue.path.join('.') || 'context'}: ${issue.message}`,
      ),
    );
  }
  const c = parsed.data;
  return {
    policyFile: c['converge:policyFile'],
    stackPrefix: c['converge:stackPrefix'],
    githubAuth: c['converge:githubAuth'],
    githubAppId: c['converge:githubAppId'],
    githubInstallationId: c['converge:githubInstallationId'],
    githubApiUrl: c['converge:githubApiUrl'],
    slackApiUrl: c['converge:slackApiUrl'],
    slackChannel: c['converge:slackChannel'],
    driftSweepIntervalMinutes: c['converge:driftSweepIntervalMinutes'],
    driftMaxConcurrency: c['converge:driftMaxConcurrency'],
    reconcileIntervalMinutes: c['converge:reconcileIntervalMinutes'],
    gitPollIntervalMinutes: c['converge:gitPollIntervalMinutes'],
    logRetentionDays: c['converge:logRetentionDays'],
    logLevel: c['converge:logLevel'],
    cloudFormationRolePolicies: c['converge:cloudFormationRolePolicies'],
    driftReadActions: c['converge:driftReadActions'],
    driftReadPolicies: c['converge:driftReadPolicies'],
    alarmTopicArn: c['converge:alarmTopicArn'],
    alarmEmail: c['converge:alarmEmail'],
    eventBusArn: c['converge:eventBusArn'],
  };
}
