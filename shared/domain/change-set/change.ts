/**
 * The CloudFormation `Change` shape (DescribeChangeSet), structurally: SDK output is assignable
 * to it, and the domain does not depend on the SDK.
 */
export interface CfnChange {
  readonly Type?: string;
  readonly ResourceChange?: CfnResourceChange;
}

export interface CfnResourceChange {
  readonly PolicyAction?: string;
  readonly Action?: string;
  readonly LogicalResourceId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType?: string;
  readonly Replacement?: string;
  readonly Scope?: readonly string[];
  readonly Details?: readonly CfnResourceChangeDetail[];
  readonly BeforeContext?: string;
  readonly AfterContext?: string;
}

export interface CfnResourceChangeDetail {
  readonly Target?: {
    readonly Attribute?: string;
    readonly Name?: string;
    readonly RequiresRecreation?: string;
    readonly Path?: string;
    readonly BeforeValue?: string;
    readonly AfterValue?: string;
    readonly AttributeChangeType?: string;
  };
  readonly Evaluation?: string;
  readonly ChangeSource?: string;
  readonly CausingEntity?: string;
}
