import type { ApprovalRequirement } from '../approval/approval.ts';
import type { DriftPolicy } from '../drift/drift-policy.ts';
import type { DeployWindow } from '../window/deploy-window.ts';

/** A parameter whose value is another stack's output, read when this stack is planned. */
export interface OutputReference {
  /** The stack (in the same configuration) whose output it is. */
  readonly fromStack: string;
  /** The output's name (its key in the template's `Outputs`). */
  readonly output: string;
}

/** The IAM capabilities CloudFormation accepts in `Capabilities`. */
export const Capability = {
  IAM: 'CAPABILITY_IAM',
  NAMED_IAM: 'CAPABILITY_NAMED_IAM',
  AUTO_EXPAND: 'CAPABILITY_AUTO_EXPAND',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability];

/** One stack with every default merged in: what the plan step needs and nothing left to look up. */
export interface StackConfig {
  /** CloudFormation stack name, unique within the configuration. */
  readonly name: string;
  /** Repository-relative template path. */
  readonly template: string;
  /** Repository-relative parameter file, when the parameters come from one. */
  readonly parameterFile: string | undefined;
  /**
   * Parameter values: the inline map, or (after `loadConfiguration`) the parameter file's
   * contents. Empty when neither is given.
   */
  readonly parameters: Readonly<Record<string, string>>;
  /**
   * Parameters taken from other stacks' outputs (`{ fromStack, output }` in the inline map),
   * resolved when the stack is planned. Each `fromStack` is also in `dependsOn`.
   */
  readonly outputParameters: Readonly<Record<string, OutputReference>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly capabilities: readonly Capability[];
  readonly region: string;
  /** The AWS account the stack lives in; `undefined` is Converge's own account. */
  readonly account?: string | undefined;
  /** Service role CloudFormation assumes for this stack, when set. */
  readonly roleArn: string | undefined;
  /** Extra globs whose changes make this stack affected (picomatch syntax). */
  readonly watch: readonly string[];
  /**
   * Stacks whose deployments at the same revision must end successfully before this one is planned
   * (`dependsOn` and every `fromStack`).
   */
  readonly dependsOn: readonly string[];
  readonly approval: ApprovalRequirement;
  readonly drift: DriftPolicy;
  /** Deploy windows (`defaults.windows` then the stack's own): when executions of it may start. */
  readonly windows: readonly DeployWindow[];
  /**
   * What happens when the stack leaves converge.yaml, read from the last applied (trusted)
   * configuration: `release` (the default) stops managing it and leaves it as it is; `delete`
   * plans its deletion, which always waits for a person.
   */
  readonly onRemove?: OnRemove;
  /** Termination protection turned on when the stack is deployed; a protected stack is never deleted. */
  readonly terminationProtection?: boolean;
  /** CloudFormation rollback triggers: the update rolls back while one of these alarms is in ALARM. */
  readonly rollback?: RollbackSettings;
}

/** What Converge does with a stack removed from converge.yaml. */
export const OnRemove = { RELEASE: 'release', DELETE: 'delete' } as const;
export type OnRemove = (typeof OnRemove)[keyof typeof OnRemove];

/** `rollback:` of a stack: CloudFormation's RollbackConfiguration. */
export interface RollbackSettings {
  /** CloudWatch alarm ARNs (at most 5). */
  readonly alarms: readonly string[];
  /** Minutes CloudFormation keeps watching after the resources are deployed (0 to 180). */
  readonly monitoringMinutes: number;
}

/** A whole `converge.yaml` (or Git sync deployment file), resolved. */
export interface Configuration {
  readonly version: 1;
  /** The repository-relative file it was read from; a change to it affects every stack. */
  readonly file: string;
  /** The branch whose pushes deploy. */
  readonly branch: string;
  readonly stacks: readonly StackConfig[];
  /**
   * People and their identities, when `people:` is set: one person's votes from Slack, GitHub and
   * the CLI count once. Taken from trusted configuration only, like the approval rule.
   */
  readonly people?: Readonly<Record<string, readonly string[]>>;
}
