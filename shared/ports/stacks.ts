import type { CfnChange } from '../domain/change-set/change.ts';
import type { StackRef } from '../domain/deployment/deployment.ts';
import type { ResourceDriftStatus } from '../domain/drift/drift-report.ts';
import type {
  ChangeSetStatus,
  DriftDetectionStatus,
  ExecutionStatus,
  StackDriftStatus,
  StackStatus,
} from '../domain/stack/stack-statuses.ts';

// The port's status vocabulary lives in the domain (with the adapters' normalisers); importers of the port find it here too.
export {
  ChangeSetStatus,
  DriftDetectionStatus,
  ExecutionStatus,
  type StackDriftStatus,
  StackStatus,
} from '../domain/stack/stack-statuses.ts';

/**
 * CloudFormation, as the use cases need it. The AWS adapter maps these onto the SDK; the
 * same adapter runs against AWS and against the local cloud (only the endpoint differs).
 */
export interface Stacks {
  /**
   * The same stacks, acting in target accounts under a session named `session` (the STS
   * `RoleSessionName`, which the account's CloudTrail shows for every call): the deployment id
   * for a deployment's calls, `converge-drift-<sweep id>` for a drift sweep's. Calls in Converge's
   * own account are unchanged by it.
   */
  actingAs(session: string): Stacks;
  /** The live stack, or `undefined` when it does not exist (or only REVIEW_IN_PROGRESS). */
  describeStack(stack: StackRef): Promise<LiveStack | undefined>;
  createChangeSet(request: CreateChangeSetRequest): Promise<{ changeSetId: string; stackId: string }>;
  describeChangeSet(stack: StackRef, changeSetId: string): Promise<ChangeSetState>;
  /** Deletes a change set; one that no longer exists counts as deleted. */
  deleteChangeSet(stack: StackRef, changeSetId: string): Promise<void>;
  /**
   * Deletes the stack only while it is REVIEW_IN_PROGRESS (the empty shell a CREATE change set
   * leaves behind). Returns whether it deleted it; a stack in any other status is never touched.
   */
  deleteStackInReview(stack: StackRef): Promise<boolean>;
  /**
   * ExecuteChangeSet with `clientRequestToken`: a repeat with the same token starts nothing new.
   * Throws {@link ChangeSetExecutionRefusedError} when CloudFormation answered that it will not run
   * it; any other error (timeout, 5xx, lost connection) leaves open whether it started.
   */
  executeChangeSet(stack: StackRef, changeSetId: string, clientRequestToken: string): Promise<void>;
  /**
   * The newest status the stack operation started with `clientRequestToken` recorded (the stack's
   * own events carrying that token, DescribeStackEvents), or `undefined` when no event carries it.
   */
  operationStatus(stack: StackRef, clientRequestToken: string): Promise<StackStatusState | undefined>;
  /**
   * Starts deleting the stack with this unique id (DeleteStack by id, so a newer stack under
   * the same name is never touched).
   */
  deleteStack(stack: StackRef, stackId: string, clientRequestToken?: string): Promise<void>;
  /** UpdateTerminationProtection: while on, CloudFormation refuses to delete the stack. */
  setTerminationProtection(stack: StackRef, enabled: boolean): Promise<void>;
  /**
   * The status of the stack with this unique id, deleted stacks included (DescribeStacks by id
   * still answers DELETE_COMPLETE); `undefined` when CloudFormation no longer knows the id.
   */
  stackStatus(stack: StackRef, stackId: string): Promise<StackStatusState | undefined>;
  /** Resource failures reported since `since` (ISO 8601), newest first. */
  failedResourceEvents(stack: StackRef, since: string): Promise<readonly ResourceFailure[]>;
  detectDrift(stack: StackRef): Promise<string>;
  driftDetectionStatus(stack: StackRef, detectionId: string): Promise<DriftDetectionState>;
  resourceDrifts(stack: StackRef): Promise<readonly ResourceDrift[]>;
  /**
   * The stack's resources (ListStackResources), so a drift report lists the resources drift
   * detection left out as NOT_CHECKED.
   */
  listResources(stack: StackRef): Promise<readonly StackResourceSummary[]>;
}

export interface LiveStack {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly lastUpdatedAt?: string;
  /** The stack's drift status as of its last drift detection, when it had one. */
  readonly driftStatus?: StackDriftStatus;
  /** EnableTerminationProtection: CloudFormation refuses to delete the stack while it is set. */
  readonly terminationProtection?: boolean;
  /** The stack's outputs by name (DescribeStacks `Outputs`): what `fromStack` parameters read. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** The parameter values it was last deployed with (DescribeStacks `Parameters`). */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** A stack's status and CloudFormation's reason for it. */
export interface StackStatusState {
  readonly status: StackStatus;
  readonly statusReason?: string;
}

export interface CreateChangeSetRequest {
  readonly stack: StackRef;
  readonly changeSetName: string;
  readonly changeSetType: 'CREATE' | 'UPDATE';
  /** Exactly one of templateBody and templateUrl. */
  readonly templateBody?: string;
  readonly templateUrl?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  /** CloudFormation service role that creates the resources. */
  readonly roleArn?: string;
  readonly description?: string;
  readonly clientToken?: string;
  readonly deploymentMode?: 'REVERT_DRIFT';
  /** Use the stack's current template (drift revert without a new template). */
  readonly usePreviousTemplate?: boolean;
  /** Rollback triggers (RollbackConfiguration): the execution rolls back while one of these alarms is in ALARM. */
  readonly rollback?: {
    readonly alarms: readonly string[];
    readonly monitoringMinutes: number;
  };
}

export interface ChangeSetState {
  readonly changeSetId: string;
  readonly status: ChangeSetStatus;
  readonly statusReason?: string;
  /** Whether the change set can run, runs, or ran; absent when CloudFormation gave none Converge knows. */
  readonly executionStatus?: ExecutionStatus;
  readonly changes: readonly CfnChange[];
}

export interface ResourceFailure {
  readonly logicalId: string;
  readonly resourceType?: string;
  readonly status: string;
  readonly reason: string;
  readonly at: string;
}

export interface StackResourceSummary {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
}

export interface DriftDetectionState {
  readonly detectionStatus: DriftDetectionStatus;
  readonly stackDriftStatus?: StackDriftStatus;
  readonly reason?: string;
  readonly driftedResources?: number;
}

export interface ResourceDrift {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  /** A status CloudFormation gives that Converge does not know (e.g. UNSUPPORTED) reads UNKNOWN. */
  readonly status: ResourceDriftStatus;
  readonly differences: readonly PropertyDifference[];
  readonly expected?: string;
  readonly actual?: string;
}

export interface PropertyDifference {
  /** JSON pointer-like path, as CloudFormation reports it: `/VisibilityTimeout`. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  /** Any difference CloudFormation names otherwise reads NOT_EQUAL. */
  readonly type: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

/** The change set does not exist (never created, deleted, or removed by CloudFormation). */
export class ChangeSetNotFoundError extends Error {
  constructor(
    readonly stackName: string,
    readonly changeSetId: string,
  ) {
    super(`Change set ${changeSetId} of stack ${stackName} does not exist; plan the revision again.`);
    this.name = 'ChangeSetNotFoundError';
  }
}

/**
 * CloudFormation answered ExecuteChangeSet and refused it (change set not executable, stack not
 * updatable, access denied): nothing ran for this request. Throttling is not a refusal.
 */
export class ChangeSetExecutionRefusedError extends Error {
  constructor(
    readonly changeSetId: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChangeSetExecutionRefusedError';
  }
}

/**
 * Converge may not act in the stack's target account: the control-plane policy lists no role for
 * it, or the role refused to be assumed (its trust policy, or a wrong external id). Nothing was
 * done in that account; planning again changes nothing until the policy or the role changes.
 */
export class TargetAccountRefusedError extends Error {
  constructor(
    readonly account: string,
    detail: string,
  ) {
    super(
      `Converge could not act in account ${account}: ${detail}. Check the account's entry in the control-plane policy (roleArn, externalId) and the role's trust policy in that account.`,
    );
    this.name = 'TargetAccountRefusedError';
  }
}
