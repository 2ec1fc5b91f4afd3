import type { CloudEvent, RequestContext, ServiceInput } from '../../../../local/cloud/service.ts';
import {
  type CloudFormationEmulator,
  type CloudFormationEmulatorOptions,
  createCloudFormationEmulator,
} from '../../../../local/cloudformation/create-cloudformation-emulator.ts';
import { waitFor } from '../../../support/wait-for.ts';

export const context: RequestContext = { requestId: 'req-1', region: 'eu-west-1', accessKeyId: 'AKIDLOCAL' };

/** An emulator with short delays, its published events, and helpers that poll like a client. */
export function emulatorHarness(options: CloudFormationEmulatorOptions = {}) {
  const published: CloudEvent[] = [];
  const emulator: CloudFormationEmulator = createCloudFormationEmulator({
    publish: (event) => published.push(event),
    account: '123456789012',
    ...options,
    delays: { changeSet: 5, resource: 2, stackPhase: 2, drift: 5, cloudControl: 2, ...options.delays },
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read SDK-shaped outputs loosely
  const cfn = async (action: string, input: ServiceInput): Promise<any> =>
    emulator.cloudFormation.handle(action, input, context);
  // biome-ignore lint/suspicious/noExplicitAny: tests read SDK-shaped outputs loosely
  const cc = async (operation: string, input: ServiceInput): Promise<any> =>
    emulator.cloudControl.handle(operation, input, context);

  const stack = async (name: string) => (await cfn('DescribeStacks', { StackName: name })).Stacks[0];

  const waitForStack = (name: string) =>
    waitFor(
      () => stack(name),
      (found) => !found.StackStatus.endsWith('_IN_PROGRESS') || found.StackStatus === 'REVIEW_IN_PROGRESS',
      `stack ${name}`,
    );

  const waitForChangeSet = (stackName: string, changeSetName: string) =>
    waitFor(
      () =>
        cfn('DescribeChangeSet', {
          StackName: stackName,
          ChangeSetName: changeSetName,
          IncludePropertyValues: true,
        }),
      (changeSet) => changeSet.Status === 'CREATE_COMPLETE' || changeSet.Status === 'FAILED',
      `change set ${changeSetName}`,
    );

  let counter = 0;
  /** Creates a change set, waits for it, executes it and waits for the stack to settle. */
  async function deploy(name: string, template: unknown, extra: ServiceInput = {}) {
    counter += 1;
    const existing = (await cfn('ListStacks', {})).StackSummaries.some(
      (summary: { StackName: string; StackStatus: string }) =>
        summary.StackName === name && summary.StackStatus !== 'DELETE_COMPLETE',
    );
    const changeSetName = `cs-${counter}`;
    await cfn('CreateChangeSet', {
      StackName: name,
      ChangeSetName: changeSetName,
      ChangeSetType: existing ? 'UPDATE' : 'CREATE',
      TemplateBody: typeof template === 'string' ? template : JSON.stringify(template),
      ...extra,
    });
    const changeSet = await waitForChangeSet(name, changeSetName);
    if (changeSet.Status !== 'CREATE_COMPLETE')
      throw new Error(`change set failed: ${changeSet.StatusReason}`);
    await cfn('ExecuteChangeSet', { StackName: name, ChangeSetName: changeSetName });
    return waitForStack(name);
  }

  /** Applies a Cloud Control update and waits for it to succeed. */
  async function patch(typeName: string, identifier: string, operations: unknown[]): Promise<void> {
    const { ProgressEvent } = await cc('UpdateResource', {
      TypeName: typeName,
      Identifier: identifier,
      PatchDocument: JSON.stringify(operations),
    });
    await waitFor(
      () => cc('GetResourceRequestStatus', { RequestToken: ProgressEvent.RequestToken }),
      (status) => status.ProgressEvent.OperationStatus !== 'IN_PROGRESS',
      'cloud control request',
    );
  }

  async function detectDrift(name: string) {
    const { StackDriftDetectionId } = await cfn('DetectStackDrift', { StackName: name });
    return waitFor(
      () => cfn('DescribeStackDriftDetectionStatus', { StackDriftDetectionId }),
      (status) => status.DetectionStatus !== 'DETECTION_IN_PROGRESS',
      'drift detection',
    );
  }

  const physicalId = async (name: string, logicalId: string): Promise<string> =>
    (await cfn('DescribeStackResources', { StackName: name, LogicalResourceId: logicalId })).StackResources[0]
      .PhysicalResourceId;

  return {
    emulator,
    published,
    cfn,
    cc,
    waitFor,
    stack,
    waitForStack,
    waitForChangeSet,
    deploy,
    patch,
    detectDrift,
    physicalId,
  };
}

/** Runs `action` and returns the AwsServiceError it throws (code, message, status). */
export async function failure(
  action: Promise<unknown>,
): Promise<{ code: string; message: string; statusCode: number }> {
  try {
    await action;
  } catch (error) {
    return error as { code: string; message: string; statusCode: number };
  }
  throw new Error('expected the call to fail');
}

export const queueTemplate = (visibilityTimeout = 30, extra: Record<string, unknown> = {}) => ({
  Resources: {
    Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: visibilityTimeout, ...extra } },
  },
  Outputs: { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
});
