import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/domain/deployment/deployment.ts';
import { metricsChannel } from '../../../shared/runtime/metrics-channel.ts';
import { createMetrics } from '../../../shared/runtime/observability.ts';
import { captureOutput, jsonLines } from './capture-output.ts';

const base: Deployment = {
  id: '01KDXABCDEFGHJKMNPQRSTVWXY',
  kind: 'deploy',
  stack: { stackName: 'network-prod', region: 'eu-west-1' },
  stackKey: 'default/eu-west-1/network-prod',
  repository: 'acme/infra',
  revision: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
  committedAt: '2026-03-01T09:00:00.000Z',
  status: 'SUCCEEDED',
  approval: { required: 1, approvers: [], allowSelfApproval: false, autoApprove: 'never', ttlSeconds: 3600 },
  expiresAt: '2026-03-01T10:01:00.000Z',
  createdAt: '2026-03-01T09:00:30.000Z',
  updatedAt: '2026-03-01T09:10:00.000Z',
  version: 5,
};

async function emitted(deployment: Deployment) {
  const metrics = createMetrics();
  const output = await captureOutput(async () => {
    await metricsChannel(metrics).deploymentChanged(deployment, { event: 'x' }, undefined);
    metrics.publishStoredMetrics();
  });
  return jsonLines(output);
}

describe('metricsChannel', () => {
  it('counts a finished deployment by outcome and its lead time from the commit', async () => {
    const records = await emitted(base);
    expect(records).toContainEqual(expect.objectContaining({ Outcome: 'SUCCEEDED', DeploymentsFinished: 1 }));
    expect(records).toContainEqual(expect.objectContaining({ LeadTimeSeconds: 600 }));
  });

  it('measures the approval wait when a person decides', async () => {
    const records = await emitted({ ...base, status: 'APPROVED', updatedAt: '2026-03-01T09:31:00.000Z' });
    expect(records).toContainEqual(expect.objectContaining({ ApprovalWaitSeconds: 1800 }));
  });

  it('counts a revision whose configuration has problems', async () => {
    const metrics = createMetrics();
    const output = await captureOutput(async () => {
      await metricsChannel(metrics).configurationInvalid?.({
        repository: 'acme/infra',
        revision: base.revision,
        ref: 'refs/heads/main',
        file: 'converge.yaml',
        issues: [{ file: 'converge.yaml', line: 1, column: 1, path: [], message: 'x' }],
      });
      metrics.publishStoredMetrics();
    });
    expect(jsonLines(output)).toContainEqual(expect.objectContaining({ ConfigurationsInvalid: 1 }));
  });

  it('counts nothing for a preview', async () => {
    expect(await emitted({ ...base, kind: 'preview' })).toEqual([]);
  });
});
