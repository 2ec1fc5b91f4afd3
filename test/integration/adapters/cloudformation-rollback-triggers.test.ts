import { setTimeout as sleep } from 'node:timers/promises';
import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../../local/start-local-cloud.ts';
import { CloudFormationStacks } from '../../../shared/adapters/aws/cloudformation-stacks.ts';
import { clientConfig } from '../local-cloud/fake-services.ts';

const STACK = { stackName: 'orders', region: 'eu-west-1' };
const ALARM = 'orders-errors';
const ALARM_ARN = `arn:aws:cloudwatch:eu-west-1:000000000000:alarm:${ALARM}`;
const template = (visibility: number) =>
  JSON.stringify({
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: visibility } } },
  });

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const value = await probe();
    if (done(value)) return value;
    await sleep(20);
  }
  throw new Error('timed out waiting for the local cloud');
}

/**
 * CloudWatch SetAlarmState over the wire, as the AWS CLI sends it (Query protocol, signing name
 * `monitoring`); the local cloud reads the credential scope and checks no signature.
 */
async function setAlarmState(
  endpoint: string,
  name: string,
  state: string,
  reason: string,
): Promise<Response> {
  const body = new URLSearchParams({
    Action: 'SetAlarmState',
    Version: '2010-08-01',
    AlarmName: name,
    StateValue: state,
    StateReason: reason,
  });
  return fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/eu-west-1/monitoring/aws4_request, SignedHeaders=host, Signature=0',
    },
    body,
  });
}

/** Rollback triggers (RollbackConfiguration) from CloudFormationStacks to the local cloud and back. */
describe('rollback triggers against the local cloud', () => {
  let cloud: LocalCloud;
  let stacks: CloudFormationStacks;

  const deploy = async (name: string, type: 'CREATE' | 'UPDATE', visibility: number) => {
    const { changeSetId } = await stacks.createChangeSet({
      stack: STACK,
      changeSetName: name,
      changeSetType: type,
      templateBody: template(visibility),
      parameters: {},
      tags: {},
      capabilities: [],
      rollback: { alarms: [ALARM_ARN], monitoringMinutes: 0 },
    });
    await until(
      () => stacks.describeChangeSet(STACK, changeSetId),
      (state) => state.executionStatus === 'AVAILABLE',
    );
    await stacks.executeChangeSet(STACK, changeSetId, `token-${name}`);
    return until(
      () => stacks.operationStatus(STACK, `token-${name}`),
      (status) => status !== undefined && !status.status.endsWith('_IN_PROGRESS'),
    );
  };
  const visibility = () => {
    const [queue] = cloud.cloudFormation.resources.list('AWS::SQS::Queue');
    return queue?.properties.VisibilityTimeout;
  };

  beforeEach(async () => {
    cloud = await startLocalCloud({
      dynamodb: false,
      delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2 },
    });
    stacks = new CloudFormationStacks({
      client: () => new CloudFormationClient(clientConfig(cloud.endpoint)),
    });
    expect((await deploy('first', 'CREATE', 30))?.status).toBe('CREATE_COMPLETE');
  });
  afterEach(async () => {
    await cloud?.stop();
  });

  it('rolls an update back while a trigger alarm is in ALARM, naming the alarm', async () => {
    const answer = await setAlarmState(cloud.endpoint, ALARM, 'ALARM', 'errors above 5 per minute');
    expect(answer.status).toBe(200);
    const outcome = await deploy('second', 'UPDATE', 60);
    expect(outcome?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect((await stacks.describeStack(STACK))?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const { StackEvents = [] } = await new CloudFormationClient(clientConfig(cloud.endpoint)).send(
      new DescribeStackEventsCommand({ StackName: STACK.stackName }),
    );
    const rollingBack = StackEvents.find((event) => event.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS');
    expect(rollingBack?.ResourceStatusReason).toBe(
      `Rollback triggered by alarm ${ALARM_ARN}: errors above 5 per minute.`,
    );
    expect(String(visibility())).toBe('30');
  });

  it('applies the same update once the alarm is back to OK', async () => {
    await setAlarmState(cloud.endpoint, ALARM, 'ALARM', 'errors above 5 per minute');
    await setAlarmState(cloud.endpoint, ALARM, 'OK', 'recovered');
    const outcome = await deploy('second', 'UPDATE', 60);
    expect(outcome?.status).toBe('UPDATE_COMPLETE');
    expect(String(visibility())).toBe('60');
  });

  it('ignores an alarm in ALARM that the change set does not name', async () => {
    await setAlarmState(cloud.endpoint, 'someone-elses-alarm', 'ALARM', 'unrelated');
    expect((await deploy('second', 'UPDATE', 60))?.status).toBe('UPDATE_COMPLETE');
  });

  it('refuses a SetAlarmState with an unknown state and changes nothing', async () => {
    const answer = await setAlarmState(cloud.endpoint, ALARM, 'FIRING', 'typo');
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/StateValue must be one of OK, ALARM, INSUFFICIENT_DATA/);
    expect(cloud.cloudFormation.alarms.get(ALARM_ARN)).toBeUndefined();
  });
});
