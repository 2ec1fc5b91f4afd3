import type { JsonProtocolService, PublishEvent, QueryProtocolService } from '../cloud/service.ts';
import { CloudControlService } from '../cloudcontrol/cloud-control-service.ts';
import { CloudWatchService } from '../cloudwatch/cloudwatch-service.ts';
import type { AlarmStates } from './alarm-states.ts';
import { CloudFormationService } from './cloudformation-service.ts';
import { DEFAULT_DELAYS, type EmulatorDelays, EmulatorState } from './emulator-state.ts';
import { ResourceFailures } from './resource-failures.ts';
import { ResourceRegistry } from './resource-registry.ts';
import { StackEvents } from './stack-events.ts';

export interface CloudFormationEmulatorOptions {
  /** Where stack and drift events go (EventBridge-shaped). */
  readonly publish?: PublishEvent;
  /** Reads a `TemplateURL` (the local S3). Without it, only `TemplateBody` works. */
  readonly fetchTemplate?: (url: string) => Promise<string>;
  /** Milliseconds per asynchronous phase; see `EmulatorDelays`. */
  readonly delays?: Partial<EmulatorDelays>;
  /** The account id in ARNs and events; default `000000000000`. */
  readonly account?: string;
  readonly now?: () => Date;
}

export interface CloudFormationEmulator {
  readonly cloudFormation: QueryProtocolService;
  readonly cloudControl: JsonProtocolService;
  /** CloudWatch's SetAlarmState and DescribeAlarms, for rollback triggers. */
  readonly cloudWatch: QueryProtocolService;
  /** Alarm states: one in ALARM rolls back an execution that names it as a rollback trigger. */
  readonly alarms: AlarmStates;
  /** Inject resource failures (create, update, delete) to drive rollbacks. */
  readonly failures: ResourceFailures;
  /** The actual resources, shared by both services. */
  readonly resources: ResourceRegistry;
  /** Resolves once no change set, execution, drift run or Cloud Control request is running. */
  idle(): Promise<void>;
}

const OPTION_KEYS = new Set(['publish', 'fetchTemplate', 'delays', 'account', 'now']);
const DELAY_KEYS = new Set(Object.keys(DEFAULT_DELAYS));

/**
 * Creates the emulated CloudFormation and Cloud Control services of the local cloud. Both
 * act on one set of resources, so a Cloud Control update is drift that CloudFormation's
 * drift detection reports and a REVERT_DRIFT change set puts back.
 *
 * @example
 * const emulator = createCloudFormationEmulator({ publish: (event) => bus.emit(event) });
 * await emulator.cloudFormation.handle('CreateChangeSet', { StackName: 'app', ... }, context);
 *
 * @throws TypeError for an unknown option or delay (a typo fails at start-up).
 */
export function createCloudFormationEmulator(
  options: CloudFormationEmulatorOptions = {},
): CloudFormationEmulator {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`Unknown CloudFormation emulator option "${key}".`);
  }
  for (const key of Object.keys(options.delays ?? {})) {
    if (!DELAY_KEYS.has(key))
      throw new TypeError(`Unknown delay "${key}"; known: ${[...DELAY_KEYS].join(', ')}.`);
  }
  const account = options.account ?? '000000000000';
  const now = options.now ?? (() => new Date());
  const resources = new ResourceRegistry();
  const failures = new ResourceFailures();
  const state = new EmulatorState(
    resources,
    failures,
    new StackEvents(options.publish, account, now),
    { ...DEFAULT_DELAYS, ...options.delays },
    account,
    now,
    options.fetchTemplate,
  );
  return {
    cloudFormation: new CloudFormationService(state),
    cloudControl: new CloudControlService(state),
    cloudWatch: new CloudWatchService(state.alarms, account),
    alarms: state.alarms,
    failures,
    resources,
    idle: () => state.idle(),
  };
}
