/** A CloudWatch alarm state, as SetAlarmState and DescribeAlarms name it. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** An alarm in ALARM that a stack operation watches as a rollback trigger. */
export interface FiringAlarm {
  readonly arn: string;
  readonly reason: string;
}

/**
 * The states of the local cloud's CloudWatch alarms, keyed by alarm ARN. Tests (or the AWS CLI,
 * through the emulated `SetAlarmState`) put an alarm in ALARM; a stack operation whose change
 * set names it as a rollback trigger then rolls back. An alarm nobody set is in
 * INSUFFICIENT_DATA, which (as in AWS) never triggers a rollback.
 *
 * @example
 * cloud.cloudFormation.alarms.set('arn:aws:cloudwatch:eu-west-1:000000000000:alarm:api-errors', 'ALARM', 'errors > 5');
 */
export class AlarmStates {
  private readonly states = new Map<string, { state: AlarmState; reason: string; updatedAt: Date }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  set(arn: string, state: AlarmState, reason: string): void {
    this.states.set(arn, { state, reason, updatedAt: this.now() });
  }

  get(arn: string): { state: AlarmState; reason: string; updatedAt: Date } | undefined {
    return this.states.get(arn);
  }

  /** Every alarm known, ARN first. */
  list(): Array<[string, { state: AlarmState; reason: string; updatedAt: Date }]> {
    return [...this.states.entries()];
  }

  /** The first of `arns` in ALARM, if any. */
  firing(arns: readonly string[]): FiringAlarm | undefined {
    for (const arn of arns) {
      const alarm = this.states.get(arn);
      if (alarm?.state === 'ALARM') return { arn, reason: alarm.reason };
    }
    return undefined;
  }
}
