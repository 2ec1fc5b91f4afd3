import type { CfnChange } from '../domain/change-set/change.ts';
import type { StackRef } from '../domain/deployment/deployment.ts';
import type { DriftReport } from '../domain/drift/drift-report.ts';
import { ResourceDriftStatus } from '../domain/drift/drift-report.ts';

/**
 * CloudFormation, as the use cases need it. The AWS adapter maps these onto the SDK; the
 * same adapter runs against AWS and against the local cloud (only the endpoint differs).
 */
export interface Stacks {
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
  deleteStack(stack: StackRef, stackId: string): Promise<void>;
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
}

export interface ChangeSetState {
  readonly changeSetId: string;
  readonly status: ChangeSetStatus;
  readonly statusReason?: string;
  /** Whether the change set can run, runs, or ran; absent when CloudFormation gave none Converge knows. */
  readonly executionStatus?: ExecutionStatus;
  readonly changes: readonly CfnChange[];
}

/**
 * A change set's ExecutionStatus (CloudFormation API Reference, DescribeChangeSet): AVAILABLE can
 * run; EXECUTE_* say it ran; UNAVAILABLE is still being created (or failed); OBSOLETE means the
 * stack was updated by other means since.
 */
export const ExecutionStatus = {
  UNAVAILABLE: 'UNAVAILABLE',
  AVAILABLE: 'AVAILABLE',
  EXECUTE_IN_PROGRESS: 'EXECUTE_IN_PROGRESS',
  EXECUTE_COMPLETE: 'EXECUTE_COMPLETE',
  EXECUTE_FAILED: 'EXECUTE_FAILED',
  OBSOLETE: 'OBSOLETE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/**
 * A stack's status (CloudFormation API Reference, Stack.StackStatus; the stack's own events carry
 * the same values). The adapters turn CloudFormation's text into one of these with
 * {@link toStackStatus}; use cases never compare raw strings.
 */
export const StackStatus = {
  CREATE_IN_PROGRESS: 'CREATE_IN_PROGRESS',
  CREATE_FAILED: 'CREATE_FAILED',
  CREATE_COMPLETE: 'CREATE_COMPLETE',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_IN_PROGRESS',
  ROLLBACK_FAILED: 'ROLLBACK_FAILED',
  ROLLBACK_COMPLETE: 'ROLLBACK_COMPLETE',
  DELETE_IN_PROGRESS: 'DELETE_IN_PROGRESS',
  DELETE_FAILED: 'DELETE_FAILED',
  DELETE_COMPLETE: 'DELETE_COMPLETE',
  UPDATE_IN_PROGRESS: 'UPDATE_IN_PROGRESS',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  UPDATE_COMPLETE: 'UPDATE_COMPLETE',
  UPDATE_FAILED: 'UPDATE_FAILED',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_IN_PROGRESS',
  UPDATE_ROLLBACK_FAILED: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  UPDATE_ROLLBACK_COMPLETE: 'UPDATE_ROLLBACK_COMPLETE',
  REVIEW_IN_PROGRESS: 'REVIEW_IN_PROGRESS',
  IMPORT_IN_PROGRESS: 'IMPORT_IN_PROGRESS',
  IMPORT_COMPLETE: 'IMPORT_COMPLETE',
  IMPORT_ROLLBACK_IN_PROGRESS: 'IMPORT_ROLLBACK_IN_PROGRESS',
  IMPORT_ROLLBACK_FAILED: 'IMPORT_ROLLBACK_FAILED',
  IMPORT_ROLLBACK_COMPLETE: 'IMPORT_ROLLBACK_COMPLETE',
  /**
   * Not CloudFormation's: a status it did not give, or one this version of Converge does not know.
   * Never terminal, never updatable, never in progress.
   */
  UNKNOWN: 'UNKNOWN',
} as const;
export type StackStatus = (typeof StackStatus)[keyof typeof StackStatus];

/** A change set's Status (DescribeChangeSet); UNKNOWN is Converge's, as for {@link StackStatus}. */
export const ChangeSetStatus = {
  CREATE_PENDING: 'CREATE_PENDING',
  CREATE_IN_PROGRESS: 'CREATE_IN_PROGRESS',
  CREATE_COMPLETE: 'CREATE_COMPLETE',
  DELETE_PENDING: 'DELETE_PENDING',
  DELETE_IN_PROGRESS: 'DELETE_IN_PROGRESS',
  DELETE_COMPLETE: 'DELETE_COMPLETE',
  DELETE_FAILED: 'DELETE_FAILED',
  FAILED: 'FAILED',
  UNKNOWN: 'UNKNOWN',
} as const;
export type ChangeSetStatus = (typeof ChangeSetStatus)[keyof typeof ChangeSetStatus];

/** A drift detection's DetectionStatus (DescribeStackDriftDetectionStatus). */
export const DriftDetectionStatus = {
  DETECTION_IN_PROGRESS: 'DETECTION_IN_PROGRESS',
  DETECTION_COMPLETE: 'DETECTION_COMPLETE',
  DETECTION_FAILED: 'DETECTION_FAILED',
} as const;
export type DriftDetectionStatus = (typeof DriftDetectionStatus)[keyof typeof DriftDetectionStatus];

/** A stack's drift status: DRIFTED, IN_SYNC, NOT_CHECKED, or UNKNOWN for anything else. */
export type StackDriftStatus = DriftReport['stackDriftStatus'];

/** CloudFormation's stack status as a {@link StackStatus}; anything else is UNKNOWN. */
export function toStackStatus(value: string | undefined): StackStatus {
  return oneOf(StackStatus, value) ?? StackStatus.UNKNOWN;
}

/** CloudFormation's change set status as a {@link ChangeSetStatus}; anything else is UNKNOWN. */
export function toChangeSetStatus(value: string | undefined): ChangeSetStatus {
  return oneOf(ChangeSetStatus, value) ?? ChangeSetStatus.UNKNOWN;
}

/** CloudFormation's execution status as an {@link ExecutionStatus}; `undefined` for anything else. */
export function toExecutionStatus(value: string | undefined): ExecutionStatus | undefined {
  return oneOf(ExecutionStatus, value);
}

/** A detection status; one CloudFormation did not give (or Converge does not know) reads as failed. */
export function toDriftDetectionStatus(value: string | undefined): DriftDetectionStatus {
  return oneOf(DriftDetectionStatus, value) ?? DriftDetectionStatus.DETECTION_FAILED;
}

/** A stack drift status; anything but DRIFTED, IN_SYNC and NOT_CHECKED reads UNKNOWN. */
export function toStackDriftStatus(value: string | undefined): StackDriftStatus {
  return value === 'DRIFTED' || value === 'IN_SYNC' || value === 'NOT_CHECKED' ? value : 'UNKNOWN';
}

/** A resource drift status; one Converge does not know (UNSUPPORTED, ...) reads UNKNOWN. */
export function toResourceDriftStatus(value: string | undefined): ResourceDriftStatus {
  return oneOf(ResourceDriftStatus, value) ?? ResourceDriftStatus.UNKNOWN;
}

/** A property difference's type; anything but ADD and REMOVE reads NOT_EQUAL. */
export function toDifferenceType(value: string | undefined): PropertyDifference['type'] {
  return value === 'ADD' || value === 'REMOVE' ? value : 'NOT_EQUAL';
}

function oneOf<T extends Record<string, string>>(
  values: T,
  value: string | undefined,
): T[keyof T] | undefined {
  return value !== undefined && Object.hasOwn(values, value) && values[value] === value
    ? (value as T[keyof T])
    : undefined;
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
