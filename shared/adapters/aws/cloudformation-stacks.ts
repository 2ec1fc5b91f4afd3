import type {
  Change,
  CloudFormationClient,
  CreateChangeSetCommandInput,
  DescribeChangeSetCommandOutput,
  DescribeStackEventsCommandOutput,
  Stack,
  StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import type { CfnChange } from '../../domain/change-set/change.ts';
import type { StackRef } from '../../domain/deployment/deployment.ts';
import * as statuses from '../../domain/stack/stack-statuses.ts';
import {
  ChangeSetExecutionRefusedError,
  ChangeSetNotFoundError,
  type ChangeSetState,
  type CreateChangeSetRequest,
  type DriftDetectionState,
  type LiveStack,
  type ResourceDrift,
  type ResourceFailure,
  type StackResourceSummary,
  type StackStatusState,
  type Stacks,
  TargetAccountRefusedError,
} from '../../ports/stacks.ts';
import type { AwsCredentialIdentity } from './assumed-role-credentials.ts';
import { loadOnce } from './load-once.ts';

const cloudFormation = loadOnce(() => import('@aws-sdk/client-cloudformation'));
type CloudFormationSdk = Awaited<ReturnType<typeof cloudFormation>>;

export interface CloudFormationStacksOptions {
  /** The client for a Region; by default one real client per Region, endpoint from the SDK's own configuration. */
  readonly client?: (region: string, sdk: CloudFormationSdk) => CloudFormationClient;
  /** How many pages of stack events to read looking for failures (100 events each). */
  readonly maxEventPages?: number;
  /**
   * Credentials in each target account (see `AssumedRoleCredentials`). Without it a stack that
   * names an account is refused; stacks without one use the client above.
   */
  readonly accounts?: {
    credentialsFor(account: string, sessionName?: string): Promise<AwsCredentialIdentity>;
  };
  /** The client for a Region in a target account, signed with that account's credentials. */
  readonly targetClient?: (
    region: string,
    credentials: AwsCredentialIdentity,
    sdk: CloudFormationSdk,
  ) => CloudFormationClient;
}

const defaults = { maxEventPages: 5 } as const;
/** Target-account clients kept at most (one per account, Region and session); the oldest go first. */
const MAX_TARGET_CLIENTS = 100;

/** A client signed with one session's credentials, and the key they had when it was made. */
interface TargetClient {
  readonly accessKeyId: string;
  readonly client: CloudFormationClient;
}

/**
 * The {@link Stacks} port on the AWS SDK's CloudFormation client. The same code runs against AWS
 * and the local cloud; only the client's endpoint differs (AWS_ENDPOINT_URL_CLOUDFORMATION).
 *
 * @example
 * const stacks = new CloudFormationStacks({ client: (region) => new CloudFormationClient({ region, endpoint }) });
 */
export class CloudFormationStacks implements Stacks {
  readonly #client: (region: string, sdk: CloudFormationSdk) => CloudFormationClient;
  readonly #maxEventPages: number;
  readonly #accounts: CloudFormationStacksOptions['accounts'];
  readonly #targetClient: (
    region: string,
    credentials: AwsCredentialIdentity,
    sdk: CloudFormationSdk,
  ) => CloudFormationClient;
  readonly #targetClients: Map<string, TargetClient>;
  /** The session name target-account calls are made under; the credentials' default when unset. */
  readonly #session: string | undefined;

  constructor(
    options: CloudFormationStacksOptions = {},
    shared: { session?: string; targetClients?: Map<string, TargetClient> } = {},
  ) {
    const clients = new Map<string, CloudFormationClient>();
    this.#client =
      options.client ??
      ((region, sdk) => {
        const client = clients.get(region) ?? new sdk.CloudFormationClient({ region });
        clients.set(region, client);
        return client;
      });
    this.#session = shared.session;
    this.#targetClients = shared.targetClients ?? new Map();
    this.#maxEventPages = options.maxEventPages ?? defaults.maxEventPages;
    this.#accounts = options.accounts;
    this.#targetClient =
      options.targetClient ??
      ((region, credentials, sdk) => new sdk.CloudFormationClient({ region, credentials }));
  }

  /**
   * These stacks acting under the session `session` in target accounts (the deployment id, or
   * `converge-drift-<sweep id>`); stacks in Converge's own account are unaffected. Clients and
   * cached credentials are shared with this instance.
   */
  actingAs(session: string): CloudFormationStacks {
    return new CloudFormationStacks(
      {
        client: this.#client,
        maxEventPages: this.#maxEventPages,
        targetClient: this.#targetClient,
        ...(this.#accounts ? { accounts: this.#accounts } : {}),
      },
      { session, targetClients: this.#targetClients },
    );
  }

  /**
   * The client for the stack's account and Region: Converge's own credentials for a stack without
   * an account, the assumed role's in this session (cached until they near expiry) for one that names it.
   */
  async #clientFor(stack: StackRef): Promise<CloudFormationClient> {
    // The SDK loads on the first call, not at import (see loadOnce).
    const sdk = await cloudFormation();
    if (stack.account === undefined) return this.#client(stack.region, sdk);
    if (!this.#accounts)
      throw new TargetAccountRefusedError(stack.account, 'no target accounts are configured');
    const credentials = await this.#accounts.credentialsFor(stack.account, this.#session);
    const key = `${stack.account}/${stack.region}/${this.#session ?? ''}`;
    const kept = this.#targetClients.get(key);
    if (kept?.accessKeyId === credentials.accessKeyId) return kept.client;
    // New or renewed credentials make a new client; the one they replace is not used again.
    const client = this.#targetClient(stack.region, credentials, sdk);
    this.#targetClients.delete(key);
    this.#targetClients.set(key, { accessKeyId: credentials.accessKeyId, client });
    for (const oldest of this.#targetClients.keys()) {
      if (this.#targetClients.size <= MAX_TARGET_CLIENTS) break;
      this.#targetClients.delete(oldest);
    }
    return client;
  }

  async describeStack(stack: StackRef): Promise<LiveStack | undefined> {
    const live = await this.#describe(stack);
    if (!live || live.StackStatus === statuses.StackStatus.REVIEW_IN_PROGRESS) return undefined;
    return {
      stackId: live.StackId ?? stack.stackName,
      stackName: live.StackName ?? stack.stackName,
      status: statuses.toStackStatus(live.StackStatus),
      statusReason: live.StackStatusReason,
      tags: Object.fromEntries((live.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
      lastUpdatedAt: (live.LastUpdatedTime ?? live.CreationTime)?.toISOString(),
      ...(live.DriftInformation?.StackDriftStatus
        ? { driftStatus: statuses.toStackDriftStatus(live.DriftInformation.StackDriftStatus) }
        : {}),
      ...(live.EnableTerminationProtection !== undefined
        ? { terminationProtection: live.EnableTerminationProtection }
        : {}),
      outputs: Object.fromEntries(
        (live.Outputs ?? []).flatMap((o) => (o.OutputKey ? [[o.OutputKey, o.OutputValue ?? '']] : [])),
      ),
      parameters: Object.fromEntries(
        (live.Parameters ?? []).flatMap((p) =>
          p.ParameterKey ? [[p.ParameterKey, p.ResolvedValue ?? p.ParameterValue ?? '']] : [],
        ),
      ),
    };
  }

  async createChangeSet(request: CreateChangeSetRequest): Promise<{ changeSetId: string; stackId: string }> {
    const { AlreadyExistsException, CreateChangeSetCommand, DescribeChangeSetCommand } =
      await cloudFormation();
    const client = await this.#clientFor(request.stack);
    try {
      const created = await client.send(
        new CreateChangeSetCommand({
          StackName: request.stack.stackName,
          ChangeSetName: request.changeSetName,
          ChangeSetType: request.changeSetType,
          TemplateBody: request.templateBody,
          TemplateURL: request.templateUrl,
          UsePreviousTemplate: request.usePreviousTemplate,
          Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
          Capabilities: [...request.capabilities] as CreateChangeSetCommandInput['Capabilities'],
          RoleARN: request.roleArn,
          Description: request.description,
          ClientToken: request.clientToken,
          DeploymentMode: request.deploymentMode,
          ...(request.rollback
            ? {
                RollbackConfiguration: {
                  RollbackTriggers: request.rollback.alarms.map((Arn) => ({
                    Arn,
                    Type: 'AWS::CloudWatch::Alarm',
                  })),
                  MonitoringTimeInMinutes: request.rollback.monitoringMinutes,
                },
              }
            : {}),
        }),
      );
      return {
        changeSetId: created.Id ?? request.changeSetName,
        stackId: created.StackId ?? request.stack.stackName,
      };
    } catch (error) {
      // A retried plan finds the change set it created before: the same name on the same stack.
      if (!(error instanceof AlreadyExistsException)) throw error;
      const existing = await client.send(
        new DescribeChangeSetCommand({
          StackName: request.stack.stackName,
          ChangeSetName: request.changeSetName,
        }),
      );
      return {
        changeSetId: existing.ChangeSetId ?? request.changeSetName,
        stackId: existing.StackId ?? request.stack.stackName,
      };
    }
  }

  async describeChangeSet(stack: StackRef, changeSetId: string): Promise<ChangeSetState> {
    const { ChangeSetNotFoundException, DescribeChangeSetCommand } = await cloudFormation();
    const client = await this.#clientFor(stack);
    const changes: CfnChange[] = [];
    let nextToken: string | undefined;
    let page: DescribeChangeSetCommandOutput;
    do {
      try {
        page = await client.send(
          new DescribeChangeSetCommand({
            StackName: stack.stackName,
            ChangeSetName: changeSetId,
            NextToken: nextToken,
          }),
        );
      } catch (error) {
        if (error instanceof ChangeSetNotFoundException)
          throw new ChangeSetNotFoundError(stack.stackName, changeSetId);
        throw error;
      }
      changes.push(...((page.Changes ?? []) as Change[] as CfnChange[]));
      nextToken = page.NextToken;
    } while (nextToken);
    return {
      changeSetId: page.ChangeSetId ?? changeSetId,
      status: statuses.toChangeSetStatus(page.Status),
      statusReason: page.StatusReason,
      executionStatus: statuses.toExecutionStatus(page.ExecutionStatus),
      changes,
    };
  }

  async deleteChangeSet(stack: StackRef, changeSetId: string): Promise<void> {
    const { ChangeSetNotFoundException, DeleteChangeSetCommand } = await cloudFormation();
    try {
      await (await this.#clientFor(stack)).send(
        new DeleteChangeSetCommand({ StackName: stack.stackName, ChangeSetName: changeSetId }),
      );
    } catch (error) {
      if (error instanceof ChangeSetNotFoundException || isMissingStack(error)) return;
      throw error;
    }
  }

  async deleteStackInReview(stack: StackRef): Promise<boolean> {
    const { DeleteStackCommand } = await cloudFormation();
    const live = await this.#describe(stack);
    if (live?.StackStatus !== statuses.StackStatus.REVIEW_IN_PROGRESS || !live.StackId) return false;
    // Delete by the unique stack id, so a stack created meanwhile under the same name is never touched.
    await (await this.#clientFor(stack)).send(new DeleteStackCommand({ StackName: live.StackId }));
    return true;
  }

  async deleteStack(stack: StackRef, stackId: string, clientRequestToken?: string): Promise<void> {
    const { DeleteStackCommand } = await cloudFormation();
    // By the unique id: a stack created meanwhile under the same name is never touched.
    await (await this.#clientFor(stack)).send(
      new DeleteStackCommand({
        StackName: stackId,
        RoleARN: stack.roleArn,
        ...(clientRequestToken ? { ClientRequestToken: clientRequestToken } : {}),
      }),
    );
  }

  async setTerminationProtection(stack: StackRef, enabled: boolean): Promise<void> {
    const { UpdateTerminationProtectionCommand } = await cloudFormation();
    await (await this.#clientFor(stack)).send(
      new UpdateTerminationProtectionCommand({
        StackName: stack.stackName,
        EnableTerminationProtection: enabled,
      }),
    );
  }

  async stackStatus(stack: StackRef, stackId: string): Promise<StackStatusState | undefined> {
    const live = await this.#describe({ ...stack, stackName: stackId });
    if (!live?.StackStatus) return undefined;
    return { status: statuses.toStackStatus(live.StackStatus), statusReason: live.StackStatusReason };
  }

  async executeChangeSet(stack: StackRef, changeSetId: string, clientRequestToken: string): Promise<void> {
    const { ExecuteChangeSetCommand } = await cloudFormation();
    try {
      await (await this.#clientFor(stack)).send(
        new ExecuteChangeSetCommand({
          StackName: stack.stackName,
          ChangeSetName: changeSetId,
          ClientRequestToken: clientRequestToken,
        }),
      );
    } catch (error) {
      // Converge could not act in the target account at all: nothing started there.
      if (error instanceof TargetAccountRefusedError)
        throw new ChangeSetExecutionRefusedError(changeSetId, 'AccessDenied', error.message);
      // Only an answer that refuses is a refusal; a timeout, 5xx or lost connection leaves it open.
      if (isRefusal(error)) throw new ChangeSetExecutionRefusedError(changeSetId, error.name, error.message);
      throw error;
    }
  }

  async operationStatus(stack: StackRef, clientRequestToken: string): Promise<StackStatusState | undefined> {
    const { DescribeStackEventsCommand } = await cloudFormation();
    const client = await this.#clientFor(stack);
    let nextToken: string | undefined;
    for (let page = 0; page < this.#maxEventPages; page += 1) {
      let events: DescribeStackEventsCommandOutput;
      try {
        events = await client.send(
          new DescribeStackEventsCommand({ StackName: stack.stackName, NextToken: nextToken }),
        );
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
      // Newest first: the first stack-level event with the token is the operation's latest status.
      const latest = (events.StackEvents ?? []).find(
        (event) =>
          event.ClientRequestToken === clientRequestToken &&
          event.ResourceType === STACK_RESOURCE_TYPE &&
          event.ResourceStatus,
      );
      if (latest)
        return {
          status: statuses.toStackStatus(latest.ResourceStatus),
          statusReason: latest.ResourceStatusReason,
        };
      nextToken = events.NextToken;
      if (!nextToken) break;
    }
    return undefined;
  }

  async failedResourceEvents(stack: StackRef, since: string): Promise<readonly ResourceFailure[]> {
    const { DescribeStackEventsCommand } = await cloudFormation();
    const client = await this.#clientFor(stack);
    const from = Date.parse(since);
    const failures: ResourceFailure[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < this.#maxEventPages; page += 1) {
      const events = await client.send(
        new DescribeStackEventsCommand({ StackName: stack.stackName, NextToken: nextToken }),
      );
      for (const event of events.StackEvents ?? []) {
        if ((event.Timestamp?.getTime() ?? 0) < from) return failures;
        const status = event.ResourceStatus ?? '';
        if (!status.endsWith('_FAILED') || event.LogicalResourceId === stack.stackName) continue;
        failures.push({
          logicalId: event.LogicalResourceId ?? '',
          resourceType: event.ResourceType,
          status,
          reason: event.ResourceStatusReason ?? '',
          at: event.Timestamp?.toISOString() ?? since,
        });
      }
      nextToken = events.NextToken;
      if (!nextToken) break;
    }
    return failures;
  }

  async detectDrift(stack: StackRef): Promise<string> {
    const { DetectStackDriftCommand } = await cloudFormation();
    const started = await (await this.#clientFor(stack)).send(
      new DetectStackDriftCommand({ StackName: stack.stackName }),
    );
    return started.StackDriftDetectionId ?? '';
  }

  async driftDetectionStatus(stack: StackRef, detectionId: string): Promise<DriftDetectionState> {
    const { DescribeStackDriftDetectionStatusCommand } = await cloudFormation();
    const status = await (await this.#clientFor(stack)).send(
      new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }),
    );
    return {
      detectionStatus: statuses.toDriftDetectionStatus(status.DetectionStatus),
      ...(status.StackDriftStatus
        ? { stackDriftStatus: statuses.toStackDriftStatus(status.StackDriftStatus) }
        : {}),
      reason: status.DetectionStatusReason,
      driftedResources: status.DriftedStackResourceCount,
    };
  }

  /** ListStackResources, every page: lets a drift report name the resources detection left out. */
  async listResources(stack: StackRef): Promise<readonly StackResourceSummary[]> {
    const { ListStackResourcesCommand } = await cloudFormation();
    const client = await this.#clientFor(stack);
    const resources: StackResourceSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListStackResourcesCommand({ StackName: stack.stackName, NextToken: nextToken }),
      );
      for (const resource of page.StackResourceSummaries ?? []) {
        resources.push({
          logicalId: resource.LogicalResourceId ?? '',
          ...(resource.PhysicalResourceId ? { physicalId: resource.PhysicalResourceId } : {}),
          resourceType: resource.ResourceType ?? '',
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return resources;
  }

  async resourceDrifts(stack: StackRef): Promise<readonly ResourceDrift[]> {
    const { DescribeStackResourceDriftsCommand } = await cloudFormation();
    const client = await this.#clientFor(stack);
    const drifts: ResourceDrift[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeStackResourceDriftsCommand({ StackName: stack.stackName, NextToken: nextToken }),
      );
      drifts.push(...(page.StackResourceDrifts ?? []).map(toResourceDrift));
      nextToken = page.NextToken;
    } while (nextToken);
    return drifts;
  }

  async #describe(stack: StackRef): Promise<Stack | undefined> {
    const { DescribeStacksCommand } = await cloudFormation();
    try {
      const described = await (await this.#clientFor(stack)).send(
        new DescribeStacksCommand({ StackName: stack.stackName }),
      );
      return described.Stacks?.[0];
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
  }
}

const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

/** CloudFormation answered with a client error other than throttling: the request was refused. */
function isRefusal(error: unknown): error is Error {
  if (!(error instanceof Error) || THROTTLING.has(error.name)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (error as { $fault?: string }).$fault === 'client' && status !== undefined && status < 500;
}

/** DescribeStacks answers a missing stack with a ValidationError "Stack with id … does not exist". */
function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message);
}

function toResourceDrift(drift: StackResourceDrift): ResourceDrift {
  return {
    logicalId: drift.LogicalResourceId ?? '',
    physicalId: drift.PhysicalResourceId,
    resourceType: drift.ResourceType ?? '',
    status: statuses.toResourceDriftStatus(drift.StackResourceDriftStatus),
    differences: (drift.PropertyDifferences ?? []).map((difference) => ({
      path: difference.PropertyPath ?? '',
      expected: difference.ExpectedValue ?? '',
      actual: difference.ActualValue ?? '',
      type: statuses.toDifferenceType(difference.DifferenceType),
    })),
    expected: drift.ExpectedProperties,
    actual: drift.ActualProperties,
  };
}
