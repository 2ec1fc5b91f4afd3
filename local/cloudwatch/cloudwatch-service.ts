import {
  AwsServiceError,
  type QueryProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';
import type { AlarmState, AlarmStates } from '../cloudformation/alarm-states.ts';

const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/**
 * CloudWatch over the AWS Query protocol (version 2010-08-01), only as far as rollback triggers
 * need it: `SetAlarmState` puts an alarm (created on first use) in a state, and `DescribeAlarms`
 * lists the states. No metrics are evaluated: an alarm stays in the state it was set to. A stack
 * operation whose change set names the alarm as a rollback trigger rolls back while it is in ALARM.
 */
export class CloudWatchService implements QueryProtocolService {
  readonly protocol = 'query' as const;
  readonly signingName = 'monitoring';
  readonly version = '2010-08-01';
  readonly xmlNamespace = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
  readonly inputTypes = { AlarmNames: 'list' } as const;
  readonly actionsWithoutOutput = new Set(['SetAlarmState']);

  constructor(
    private readonly alarms: AlarmStates,
    private readonly account: string,
  ) {}

  async handle(action: string, input: ServiceInput, context: RequestContext): Promise<ServiceOutput> {
    if (action === 'SetAlarmState') return this.setAlarmState(input, context);
    if (action === 'DescribeAlarms') return this.describeAlarms(input, context);
    throw new AwsServiceError(
      'InvalidAction',
      `The local cloud's CloudWatch answers SetAlarmState and DescribeAlarms only; ${action} is not emulated.`,
    );
  }

  private arn(region: string, name: string): string {
    return `arn:aws:cloudwatch:${region}:${this.account}:alarm:${name}`;
  }

  private setAlarmState(input: ServiceInput, context: RequestContext): ServiceOutput {
    const name = input.AlarmName;
    const state = input.StateValue as AlarmState;
    if (typeof name !== 'string' || name === '' || name.length > 255) {
      throw new AwsServiceError('ValidationError', 'AlarmName must be 1 to 255 characters.');
    }
    if (!STATES.includes(state)) {
      throw new AwsServiceError('ValidationError', `StateValue must be one of ${STATES.join(', ')}.`);
    }
    const reason = typeof input.StateReason === 'string' ? input.StateReason : '';
    this.alarms.set(this.arn(context.region, name), state, reason);
    return {};
  }

  private describeAlarms(input: ServiceInput, context: RequestContext): ServiceOutput {
    const names = Array.isArray(input.AlarmNames) ? (input.AlarmNames as string[]) : undefined;
    const prefix = `arn:aws:cloudwatch:${context.region}:${this.account}:alarm:`;
    const alarms = this.alarms
      .list()
      .filter(([arn]) => arn.startsWith(prefix))
      .map(([arn, alarm]) => ({ name: arn.slice(prefix.length), arn, ...alarm }))
      .filter((alarm) => !names || names.includes(alarm.name))
      .map((alarm) => ({
        AlarmName: alarm.name,
        AlarmArn: alarm.arn,
        StateValue: alarm.state,
        StateReason: alarm.reason,
        StateUpdatedTimestamp: alarm.updatedAt,
      }));
    return { MetricAlarms: alarms, CompositeAlarms: [] };
  }
}
