import type { DriftReport, ResourceDriftReport } from '../../../../shared/domain/drift/drift-report.ts';

/** A queue with two drifted properties and a tag, a deleted topic, an unchecked dashboard. */
export const queueResource: ResourceDriftReport = {
  logicalId: 'Queue',
  physicalId: 'https://sqs.eu-west-1.amazonaws.com/111122223333/orders',
  resourceType: 'AWS::SQS::Queue',
  status: 'MODIFIED',
  differences: [
    { path: '/VisibilityTimeout', expected: '30', actual: '120', type: 'NOT_EQUAL' },
    { path: '/RedrivePolicy/maxReceiveCount', expected: '5', actual: '10', type: 'NOT_EQUAL' },
    { path: '/Tags/0/Value', expected: 'platform', actual: 'payments', type: 'NOT_EQUAL' },
  ],
};

/** A drift report shaped like DescribeStackDriftDetectionStatus + DescribeStackResourceDrifts. */
export function driftReport(
  resources: readonly ResourceDriftReport[] = defaultResources(),
  extra: Partial<DriftReport> = {},
): DriftReport {
  return {
    stack: { stackName: 'network-prod', region: 'eu-west-1' },
    stackKey: 'default/eu-west-1/network-prod',
    detectionId: 'b78ac9b0-dec1-11e7-a451-503a3e7f4e3a',
    detectionStatus: 'DETECTION_COMPLETE',
    stackDriftStatus: 'DRIFTED',
    detectedAt: '2026-11-26T03:00:10.000Z',
    resources,
    ...extra,
  };
}

function defaultResources(): ResourceDriftReport[] {
  return [
    queueResource,
    {
      logicalId: 'Topic',
      physicalId: 'arn:aws:sns:eu-west-1:111122223333:orders-events',
      resourceType: 'AWS::SNS::Topic',
      status: 'DELETED',
      differences: [],
    },
    {
      logicalId: 'Bucket',
      physicalId: 'network-prod-bucket-1q2w3e4r5t6y',
      resourceType: 'AWS::S3::Bucket',
      status: 'IN_SYNC',
      differences: [],
    },
    {
      logicalId: 'Dashboard',
      resourceType: 'AWS::CloudWatch::Dashboard',
      status: 'NOT_CHECKED',
      differences: [],
    },
  ];
}
