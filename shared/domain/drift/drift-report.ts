import type { StackRef } from '../deployment/deployment.ts';

/** A resource's drift, as DescribeStackResourceDrifts reports it (`StackResourceDriftStatus`). */
export const ResourceDriftStatus = {
  IN_SYNC: 'IN_SYNC',
  MODIFIED: 'MODIFIED',
  DELETED: 'DELETED',
  /** CloudFormation does not check this resource type: its state is unknown, never "in sync". */
  NOT_CHECKED: 'NOT_CHECKED',
  /** Detection could not run for this resource. */
  UNKNOWN: 'UNKNOWN',
} as const;
export type ResourceDriftStatus = (typeof ResourceDriftStatus)[keyof typeof ResourceDriftStatus];

/** Whether the resource differs from its template (modified, or deleted outside CloudFormation). */
export function isDrifted(status: ResourceDriftStatus): boolean {
  return status === ResourceDriftStatus.MODIFIED || status === ResourceDriftStatus.DELETED;
}

/** Whether detection said nothing about the resource (listed as not checked, never as in sync). */
export function isUnchecked(status: ResourceDriftStatus): boolean {
  return status === ResourceDriftStatus.NOT_CHECKED || status === ResourceDriftStatus.UNKNOWN;
}

/** `PropertyDifference.DifferenceType`. */
export const DifferenceType = {
  /** A value was added to a list property. */
  ADD: 'ADD',
  /** The property was removed from the live resource. */
  REMOVE: 'REMOVE',
  /** The live value differs from the template's. */
  NOT_EQUAL: 'NOT_EQUAL',
} as const;
export type DifferenceType = (typeof DifferenceType)[keyof typeof DifferenceType];

/** One property that differs, as CloudFormation reports it. */
export interface PropertyDifference {
  /** JSON-pointer path below `Properties`: `/VisibilityTimeout`, `/Tags/0/Value`. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  readonly type: DifferenceType;
}

/** One resource's drift. Only MODIFIED resources have differences. */
export interface ResourceDriftReport {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: ResourceDriftStatus;
  readonly differences: readonly PropertyDifference[];
}

/** A difference (or whole resource, without `path`) left out by a drift `ignore` rule. */
export interface IgnoredDrift {
  readonly logicalId: string;
  readonly path?: string;
  readonly rule: string;
}

/** One drift detection run on one stack (DetectStackDrift + DescribeStackResourceDrifts). */
export interface DriftReport {
  readonly stack: StackRef;
  readonly stackKey: string;
  readonly detectionId: string;
  /** DETECTION_COMPLETE | DETECTION_FAILED | DETECTION_IN_PROGRESS */
  readonly detectionStatus: 'DETECTION_COMPLETE' | 'DETECTION_FAILED' | 'DETECTION_IN_PROGRESS';
  /** DRIFTED | IN_SYNC | NOT_CHECKED | UNKNOWN, as CloudFormation reported it (before ignore rules). */
  readonly stackDriftStatus: 'DRIFTED' | 'IN_SYNC' | 'NOT_CHECKED' | 'UNKNOWN';
  /** Why detection failed or was partial, when CloudFormation said. */
  readonly statusReason?: string;
  /** When detection finished (ISO 8601). */
  readonly detectedAt: string;
  readonly resources: readonly ResourceDriftReport[];
  /** What `ignore` rules left out; present once `applyIgnoreRules` ran. */
  readonly ignored?: readonly IgnoredDrift[];
}
