import { describe, expect, it } from 'vitest';
import { buildDriftMessage } from '../../../shared/adapters/slack/build-drift-message.ts';
import type { DriftRecord } from '../../../shared/domain/drift/drift-sweep.ts';

function record(overrides: Partial<DriftRecord['report']> = {}): DriftRecord {
  return {
    stackKey: 'default/eu-west-1/app',
    sweepId: 'sweep-1',
    detectionId: 'det-1',
    repository: 'acme/infrastructure',
    revision: 'a1'.repeat(20),
    policy: { mode: 'report', ignore: ['Queue/Properties/Tags/**'] },
    report: {
      stack: { stackName: 'app', region: 'eu-west-1' },
      stackKey: 'default/eu-west-1/app',
      detectionId: 'det-1',
      detectionStatus: 'DETECTION_COMPLETE',
      stackDriftStatus: 'DRIFTED',
      detectedAt: '2026-03-01T09:00:00.000Z',
      resources: [
        {
          logicalId: 'Queue',
          resourceType: 'AWS::SQS::Queue',
          status: 'MODIFIED',
          differences: [{ path: '/VisibilityTimeout', expected: '30', actual: '<60>', type: 'NOT_EQUAL' }],
        },
        { logicalId: 'Topic', resourceType: 'AWS::SNS::Topic', status: 'DELETED', differences: [] },
        {
          logicalId: 'Handle',
          resourceType: 'AWS::CloudFormation::WaitConditionHandle',
          status: 'NOT_CHECKED',
          differences: [],
        },
      ],
      ignored: [{ logicalId: 'Queue', path: '/Tags/0/Value', rule: 'Queue/Properties/Tags/**' }],
      ...overrides,
    },
    action: 'report',
    why: '2 resources drifted (Queue, Topic); the policy only reports drift.',
    recordedAt: '2026-03-01T09:00:00.000Z',
  };
}

describe('buildDriftMessage', () => {
  it('shows each drifted property with its template and live value, escaped for Slack', () => {
    const { blocks } = buildDriftMessage(record());
    const section = blocks.find((b) => b.type === 'section');

    expect(section).toMatchObject({
      text: { text: expect.stringContaining('`/VisibilityTimeout` template 30 → live &lt;60&gt;') },
    });
    expect(JSON.stringify(section)).toContain('`Topic` AWS::SNS::Topic: *DELETED*');
  });

  it('lists resources detection did not check, and what the ignore rules left out', () => {
    const text = JSON.stringify(buildDriftMessage(record()).blocks);

    expect(text).toContain('*Not checked:* `Handle`');
    expect(text).toContain('Ignored by policy: Queue/Properties/Tags/**');
  });

  it.each([
    ['DETECTION_COMPLETE', 'Drift on app (eu-west-1): 2 resource(s) drifted'],
    ['DETECTION_FAILED', 'Drift detection failed on app (eu-west-1)'],
  ] as const)('summarises a %s detection in the notification text', (detectionStatus, text) => {
    expect(buildDriftMessage(record({ detectionStatus })).text).toBe(text);
  });
});
