import { Duration } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../shared/runtime/observability.ts';
import { BUNDLING } from './bundling.ts';
import type { DeployedPolicy } from './deployed-policy.ts';
import type { FunctionSpec } from './function-catalog.ts';

export interface ConvergeFunctionProps {
  readonly spec: FunctionSpec;
  /** The project root holding `functions/<name>/index.ts` and `package-lock.json`. */
  readonly projectRoot: string;
  /** `CONVERGE_*` settings for the runtime config (`shared/runtime/config.ts`). */
  readonly environment: Readonly<Record<string, string>>;
  /** The control-plane policy, copied into the bundle and named by `CONVERGE_POLICY_FILE`. */
  readonly policy: DeployedPolicy;
  readonly logRetentionDays: number;
  readonly logLevel: string;
  /** Where failed asynchronous invocations (EventBridge, Scheduler) land. */
  readonly asyncDeadLetterQueue?: IQueue;
}

/**
 * One Converge Lambda function with the defaults every function shares: Node.js 22 on
 * arm64, an ESM bundle built by local esbuild, X-Ray tracing, Powertools environment, an
 * explicit log group with retention, and a role of its own that starts with nothing but
 * writing to that log group (and X-Ray, which active tracing adds).
 *
 * The control-plane policy travels inside the code asset, next to `index.mjs`: the asset hash
 * covers the bundle's output, so a changed policy is a changed function and `cdk deploy` ships
 * it, and a function never runs with a policy other than the one it was deployed with.
 */
export class ConvergeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: ConvergeFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetentionDays as RetentionDays });
    // A role per function, without the AWS managed basic-execution policy: it would allow
    // writing to every log group in the account.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Converge ${spec.name} function`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${props.projectRoot}/functions/${spec.name}/index.ts`,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: `Converge: ${spec.description}`.slice(0, 256),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      ...(spec.reservedConcurrency ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
      role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      ...(props.asyncDeadLetterQueue
        ? { deadLetterQueue: props.asyncDeadLetterQueue, retryAttempts: 2 }
        : {}),
      environment: {
        ...props.environment,
        CONVERGE_POLICY_FILE: props.policy.runtimePath,
        POWERTOOLS_SERVICE_NAME: 'converge',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourceMap,
        sourcesContent: BUNDLING.sourcesContent,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: [...BUNDLING.externalModules],
        // esbuild is a dev dependency; bundling never needs Docker.
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `cp ${shellQuote(props.policy.source)} ${shellQuote(`${outputDir}/${props.policy.bundledName}`)}`,
          ],
        },
      },
    });
  }
}

/** One argument for the POSIX shell the bundling hooks run in. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
