import type { Change } from './plan/change-model.ts';
import type { ResolvedParameters } from './template/resolve-parameters.ts';

/** Stack statuses whose operation is still running (REVIEW_IN_PROGRESS excepted: it is idle). */
export function isStackBusy(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

/** A resource as the stack records it. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  physicalId: string;
  /** Properties as the template set them when last deployed (drift detection's expectation). */
  expected: Record<string, unknown>;
  attributes: Record<string, unknown>;
  status: string;
  statusReason?: string;
  updatedAt: Date;
  drift: { status: string; lastCheck?: Date };
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

export interface StackEvent {
  readonly StackId: string;
  readonly EventId: string;
  readonly StackName: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType: string;
  readonly Timestamp: Date;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
  readonly ClientRequestToken?: string;
}

export interface StackOutput {
  readonly OutputKey: string;
  readonly OutputValue: string;
  readonly Description?: string;
  readonly ExportName?: string;
}

export interface Stack {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly createdAt: Date;
  status: string;
  statusReason?: string;
  updatedAt?: Date;
  deletedAt?: Date;
  templateBody?: string;
  description?: string;
  parameters: ResolvedParameters;
  tags: Array<{ Key: string; Value: string }>;
  capabilities: string[];
  roleArn?: string;
  outputs: StackOutput[];
  resources: Map<string, StackResource>;
  /** Newest last. */
  events: StackEvent[];
  drift: { status: string; lastCheck?: Date };
  lastChangeSetId?: string;
  /** EnableTerminationProtection: DeleteStack is refused while it is set. */
  terminationProtection?: boolean;
}

export interface ChangeSet {
  readonly id: string;
  readonly name: string;
  readonly stackId: string;
  readonly type: 'CREATE' | 'UPDATE';
  readonly createdAt: Date;
  readonly templateBody: string;
  readonly parameters: ResolvedParameters;
  readonly tags: Array<{ Key: string; Value: string }>;
  readonly capabilities: string[];
  readonly roleArn?: string;
  readonly description?: string;
  readonly clientToken?: string;
  readonly deploymentMode?: 'REVERT_DRIFT';
  /** RollbackConfiguration: alarm ARNs watched during the execution and the monitoring period. */
  readonly rollbackConfiguration?: { readonly alarms: string[]; readonly monitoringMinutes: number };
  status: string;
  statusReason?: string;
  executionStatus: string;
  changes: Change[];
  /** The stack's drift status as the drift-aware change set saw it. */
  stackDriftStatus?: string;
  executionToken?: string;
}

export interface DriftDetection {
  readonly id: string;
  readonly stackId: string;
  readonly startedAt: Date;
  status: 'DETECTION_IN_PROGRESS' | 'DETECTION_COMPLETE' | 'DETECTION_FAILED';
  reason?: string;
  stackDriftStatus?: string;
  driftedCount?: number;
  drifts: Array<Record<string, unknown>>;
}
