import { describe, expect, it } from 'vitest';
import { emulatorHarness, queueTemplate } from './emulator-harness.ts';

const template = {
  Resources: {
    Queue: {
      Type: 'AWS::SQS::Queue',
      Properties: { VisibilityTimeout: 30, Tags: [{ Key: 'team', Value: 'platform' }] },
    },
    Parameter: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
    },
    Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
  },
};

describe('drift detection and REVERT_DRIFT', () => {
  it('reports a freshly deployed stack IN_SYNC', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);

    const status = await h.detectDrift('app');

    expect(status).toMatchObject({
      DetectionStatus: 'DETECTION_COMPLETE',
      StackDriftStatus: 'IN_SYNC',
      DriftedStackResourceCount: 0,
    });
    expect((await h.stack('app')).DriftInformation.StackDriftStatus).toBe('IN_SYNC');
  });

  it('goes through DETECTION_IN_PROGRESS before completing', async () => {
    const h = emulatorHarness({ delays: { drift: 50 } });
    await h.deploy('app', template);

    const { StackDriftDetectionId } = await h.cfn('DetectStackDrift', { StackName: 'app' });
    const first = await h.cfn('DescribeStackDriftDetectionStatus', { StackDriftDetectionId });

    expect(first.DetectionStatus).toBe('DETECTION_IN_PROGRESS');
    await h.emulator.idle();
    expect(
      (await h.cfn('DescribeStackDriftDetectionStatus', { StackDriftDetectionId })).DetectionStatus,
    ).toBe('DETECTION_COMPLETE');
  });

  it('reports a Cloud Control change as MODIFIED with CloudFormation property paths', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const queueUrl = await h.physicalId('app', 'Queue');
    await h.patch('AWS::SQS::Queue', queueUrl, [
      { op: 'replace', path: '/VisibilityTimeout', value: 90 },
      { op: 'replace', path: '/Tags/0/Value', value: 'ops' },
    ]);

    const status = await h.detectDrift('app');
    const { StackResourceDrifts } = await h.cfn('DescribeStackResourceDrifts', { StackName: 'app' });
    const queue = StackResourceDrifts.find(
      (drift: { LogicalResourceId: string }) => drift.LogicalResourceId === 'Queue',
    );

    expect(status).toMatchObject({ StackDriftStatus: 'DRIFTED', DriftedStackResourceCount: 1 });
    expect(queue.StackResourceDriftStatus).toBe('MODIFIED');
    expect(queue.PropertyDifferences).toEqual([
      {
        PropertyPath: '/VisibilityTimeout',
        ExpectedValue: '30',
        ActualValue: '90',
        DifferenceType: 'NOT_EQUAL',
      },
      {
        PropertyPath: '/Tags/0/Value',
        ExpectedValue: 'platform',
        ActualValue: 'ops',
        DifferenceType: 'NOT_EQUAL',
      },
    ]);
    expect(JSON.parse(queue.ExpectedProperties)).toEqual(template.Resources.Queue.Properties);
    expect(JSON.parse(queue.ActualProperties).VisibilityTimeout).toBe(90);
  });

  it('reports a resource deleted through Cloud Control as DELETED', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const name = await h.physicalId('app', 'Parameter');
    await h.cc('DeleteResource', { TypeName: 'AWS::SSM::Parameter', Identifier: name });
    await h.emulator.idle();

    await h.detectDrift('app');
    const { StackResourceDrifts } = await h.cfn('DescribeStackResourceDrifts', {
      StackName: 'app',
      StackResourceDriftStatusFilters: ['DELETED'],
    });

    expect(StackResourceDrifts).toHaveLength(1);
    expect(StackResourceDrifts[0]).toMatchObject({
      LogicalResourceId: 'Parameter',
      StackResourceDriftStatus: 'DELETED',
    });
  });

  it('reports resource types without drift support as NOT_CHECKED and leaves them out of the drifts', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    await h.detectDrift('app');

    const { StackResourceSummaries } = await h.cfn('ListStackResources', { StackName: 'app' });
    const { StackResourceDrifts } = await h.cfn('DescribeStackResourceDrifts', { StackName: 'app' });
    const handle = StackResourceSummaries.find(
      (summary: { LogicalResourceId: string }) => summary.LogicalResourceId === 'Handle',
    );

    expect(handle.DriftInformation.StackResourceDriftStatus).toBe('NOT_CHECKED');
    expect(
      StackResourceDrifts.map((drift: { LogicalResourceId: string }) => drift.LogicalResourceId).sort(),
    ).toEqual(['Parameter', 'Queue']);
  });

  it('pages resource drifts with MaxResults and NextToken', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    await h.detectDrift('app');

    const first = await h.cfn('DescribeStackResourceDrifts', { StackName: 'app', MaxResults: 1 });
    const second = await h.cfn('DescribeStackResourceDrifts', {
      StackName: 'app',
      MaxResults: 1,
      NextToken: first.NextToken,
    });

    expect(first.StackResourceDrifts).toHaveLength(1);
    expect(second.StackResourceDrifts).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(second.StackResourceDrifts[0].LogicalResourceId).not.toBe(
      first.StackResourceDrifts[0].LogicalResourceId,
    );
  });

  it('plans a REVERT_DRIFT change set that shows actual values being put back to the template', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    const queueUrl = await h.physicalId('app', 'Queue');
    await h.patch('AWS::SQS::Queue', queueUrl, [{ op: 'replace', path: '/VisibilityTimeout', value: 90 }]);

    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'revert',
      UsePreviousTemplate: true,
      DeploymentMode: 'REVERT_DRIFT',
    });
    const changeSet = await h.waitForChangeSet('app', 'revert');

    expect(changeSet).toMatchObject({
      Status: 'CREATE_COMPLETE',
      DeploymentMode: 'REVERT_DRIFT',
      StackDriftStatus: 'DRIFTED',
    });
    expect(changeSet.Changes).toHaveLength(1);
    expect(changeSet.Changes[0].ResourceChange).toMatchObject({
      Action: 'Modify',
      LogicalResourceId: 'Queue',
      Replacement: 'False',
      Scope: ['Properties'],
      ResourceDriftStatus: 'MODIFIED',
    });
    expect(changeSet.Changes[0].ResourceChange.Details).toEqual([
      {
        Target: {
          Attribute: 'Properties',
          Name: 'VisibilityTimeout',
          RequiresRecreation: 'Never',
          Path: '/Properties/VisibilityTimeout',
          BeforeValue: '90',
          AfterValue: '30',
          BeforeValueFrom: 'ACTUAL_STATE',
          AfterValueFrom: 'TEMPLATE',
          Drift: { PreviousValue: '30', ActualValue: '90' },
          AttributeChangeType: 'Modify',
        },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      },
    ]);
  });

  it('puts drifted values back and leaves the stack IN_SYNC after executing REVERT_DRIFT', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const queueUrl = await h.physicalId('app', 'Queue');
    await h.patch('AWS::SQS::Queue', queueUrl, [{ op: 'replace', path: '/VisibilityTimeout', value: 90 }]);
    await h.detectDrift('app');

    const stack = await h.deploy('app', '', {
      TemplateBody: undefined,
      UsePreviousTemplate: true,
      DeploymentMode: 'REVERT_DRIFT',
    });
    const actual = await h.cc('GetResource', { TypeName: 'AWS::SQS::Queue', Identifier: queueUrl });

    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack.DriftInformation.StackDriftStatus).toBe('IN_SYNC');
    expect(JSON.parse(actual.ResourceDescription.Properties).VisibilityTimeout).toBe(30);
    expect((await h.detectDrift('app')).StackDriftStatus).toBe('IN_SYNC');
  });

  it('recreates a deleted resource with REVERT_DRIFT', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const name = await h.physicalId('app', 'Parameter');
    await h.cc('DeleteResource', { TypeName: 'AWS::SSM::Parameter', Identifier: name });
    await h.emulator.idle();

    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'revert',
      UsePreviousTemplate: true,
      DeploymentMode: 'REVERT_DRIFT',
    });
    const changeSet = await h.waitForChangeSet('app', 'revert');
    await h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'revert' });
    await h.waitForStack('app');
    const recreated = await h.physicalId('app', 'Parameter');

    expect(changeSet.Changes[0].ResourceChange).toMatchObject({
      Action: 'Add',
      LogicalResourceId: 'Parameter',
      ResourceDriftStatus: 'DELETED',
    });
    expect(h.emulator.resources.get('AWS::SSM::Parameter', recreated)).toBeDefined();
    expect((await h.detectDrift('app')).StackDriftStatus).toBe('IN_SYNC');
  });

  it('fails a REVERT_DRIFT change set when nothing drifted', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);

    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'revert',
      UsePreviousTemplate: true,
      DeploymentMode: 'REVERT_DRIFT',
    });
    const changeSet = await h.waitForChangeSet('app', 'revert');

    expect(changeSet.Status).toBe('FAILED');
    expect(changeSet.StatusReason).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
  });

  it('publishes Drift Detection Status Change events with AWS detail fields', async () => {
    const h = emulatorHarness();
    await h.deploy('app', template);
    const status = await h.detectDrift('app');

    const events = h.published.filter(
      (event) => event['detail-type'] === 'CloudFormation Drift Detection Status Change',
    );

    expect(events.map((event) => event.detail)).toEqual([
      expect.objectContaining({
        'stack-drift-detection-id': status.StackDriftDetectionId,
        'status-details': {
          'stack-drift-status': 'NOT_CHECKED',
          'detection-status': 'DETECTION_IN_PROGRESS',
        },
        'drift-detection-details': { 'drifted-stack-resource-count': -1 },
      }),
      expect.objectContaining({
        'status-details': { 'stack-drift-status': 'IN_SYNC', 'detection-status': 'DETECTION_COMPLETE' },
        'drift-detection-details': { 'drifted-stack-resource-count': 0 },
      }),
    ]);
    expect(events[0]).toMatchObject({
      source: 'aws.cloudformation',
      account: '123456789012',
      region: 'eu-west-1',
    });
  });
});
