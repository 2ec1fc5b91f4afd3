/**
 * One entry of the safe list: a resource type, whether adding one is safe, and which of its
 * properties may change in place. `Tags` stands for the resource's tags, whether CloudFormation
 * reports them as the `Tags` attribute (stack tags) or as the `Tags` property.
 */
export interface SafeChange {
  readonly resourceType: string;
  /** Adding a new resource of this type can neither run code nor grant access. */
  readonly add: boolean;
  /** Top-level properties that may change without replacement. */
  readonly modify: readonly string[];
}

/**
 * What `autoApprove: safe` approves without a person: nothing else. A change set is safe only
 * when every resource change in it is an add or an in-place modification that this list allows
 * (see {@link unsafeReasonOf} for the structural rules). Adding an entry is a security decision:
 * an added type must be inert whatever its properties say, and a listed property must change
 * neither who can reach what, nor which code runs, nor where data goes. docs/configuration.md
 * documents this list; keep the two together.
 */
export const SAFE_CHANGES: readonly SafeChange[] = [
  {
    // A String / StringList value; SecureString cannot be created by CloudFormation.
    resourceType: 'AWS::SSM::Parameter',
    add: true,
    modify: ['Value', 'Description', 'Tags'],
  },
  {
    // Timing and size settings; not RedrivePolicy (where messages go) or encryption.
    resourceType: 'AWS::SQS::Queue',
    add: true,
    modify: [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'ReceiveMessageWaitTimeSeconds',
      'MaximumMessageSize',
      'Tags',
    ],
  },
  {
    // Not addable: a new topic's Subscription may deliver to any endpoint.
    resourceType: 'AWS::SNS::Topic',
    add: false,
    modify: ['DisplayName', 'Tags'],
  },
  {
    // Not addable, and no actions: alarm actions can stop or terminate instances and run automation.
    resourceType: 'AWS::CloudWatch::Alarm',
    add: false,
    modify: [
      'AlarmDescription',
      'Threshold',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'Period',
      'TreatMissingData',
      'Tags',
    ],
  },
  {
    resourceType: 'AWS::CloudWatch::Dashboard',
    add: true,
    modify: ['DashboardBody'],
  },
  {
    // Tags only: lowering RetentionInDays deletes logs; a new group may carry a resource policy.
    resourceType: 'AWS::Logs::LogGroup',
    add: false,
    modify: ['Tags'],
  },
];

const BY_TYPE: ReadonlyMap<string, SafeChange> = new Map(
  SAFE_CHANGES.map((entry) => [entry.resourceType, entry]),
);

/** The safe-list entry of a resource type, or `undefined` when no change to it is safe. */
export function safeChangeOf(resourceType: string): SafeChange | undefined {
  return BY_TYPE.get(resourceType);
}
