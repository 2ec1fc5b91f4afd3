/** `ResourceTargetDefinition`, as DescribeChangeSet returns it. */
export interface ChangeTarget {
  Attribute: 'Properties' | 'Metadata' | 'Tags' | 'DeletionPolicy' | 'UpdateReplacePolicy';
  Name?: string;
  RequiresRecreation?: 'Never' | 'Conditionally' | 'Always';
  Path?: string;
  BeforeValue?: string;
  AfterValue?: string;
  BeforeValueFrom?: 'ACTUAL_STATE' | 'PREVIOUS_DEPLOYMENT_STATE';
  AfterValueFrom?: 'TEMPLATE';
  Drift?: { PreviousValue?: string; ActualValue?: string; DriftDetectionTimestamp?: Date };
  AttributeChangeType?: 'Add' | 'Remove' | 'Modify' | 'SyncWithActual';
}

/** `ResourceChangeDetail`. */
export interface ChangeDetail {
  Target: ChangeTarget;
  Evaluation: 'Static' | 'Dynamic';
  ChangeSource:
    | 'ResourceReference'
    | 'ParameterReference'
    | 'ResourceAttribute'
    | 'DirectModification'
    | 'Automatic';
  CausingEntity?: string;
}

/** `ResourceChange`. */
export interface ResourceChange {
  Action: 'Add' | 'Modify' | 'Remove' | 'SyncWithActual';
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: 'True' | 'False' | 'Conditional';
  PolicyAction?:
    | 'Delete'
    | 'Retain'
    | 'Snapshot'
    | 'ReplaceAndDelete'
    | 'ReplaceAndRetain'
    | 'ReplaceAndSnapshot';
  Scope: string[];
  Details: ChangeDetail[];
  ResourceDriftStatus?: string;
  BeforeContext?: string;
  AfterContext?: string;
  PreviousDeploymentContext?: string;
}

/** `Change`. */
export interface Change {
  Type: 'Resource';
  HookInvocationCount?: number;
  ResourceChange: ResourceChange;
}

/** Property values travel as strings in change details. */
export function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
