import { describe, expect, it } from 'vitest';
import { CHECK_SUMMARY_MAX, checkRunOutput } from '../../../../shared/adapters/github/check-run-output.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';
import { deploymentFixture, riskySummary } from '../../../support/deployment-fixture.ts';

const planned = deploymentFixture({ kind: 'preview', pullRequest: 7, status: 'PLANNING' });

describe('checkRunOutput', () => {
  it('titles a planned preview with its counts and risk', () => {
    expect(checkRunOutput(planned, { event: 'preview ready' }).title).toBe(
      'Preview: 2 to add, 1 to modify, 1 to remove, 1 replaced (risk: dangerous)',
    );
  });

  it.each([
    [
      'the counts and risk',
      '**Risk: dangerous** · 2 to add · 1 to modify · 1 to remove · 1 replaced · 1 IAM / security',
    ],
    ['a replacement', '| Modify | `Bucket` | AWS::S3::Bucket | **yes** | replacement |'],
    ['an IAM change', '| Modify | `DeployRole` | AWS::IAM::Role |  | **iam** |'],
    ['a removal', '| Remove | `OldQueue` | AWS::SQS::Queue |  | removal |'],
    ['the deployment id', 'Deployment `dep-01HZX`'],
  ])('summarizes %s in Markdown', (_case, expected) => {
    expect(checkRunOutput(planned, { event: 'preview ready' }).summary).toContain(expected);
  });

  it('says why a plan failed', () => {
    const failed = deploymentFixture({
      kind: 'preview',
      status: 'PLAN_FAILED',
      changeSet: undefined,
      reason: { code: ReasonCode.TEMPLATE_INVALID, message: 'Template format error: <bad> structure' },
    });
    const output = checkRunOutput(failed, { event: 'plan failed' });
    expect(output.title).toBe('Plan failed');
    expect(output.summary).toContain('**TemplateInvalid**: Template format error: &lt;bad&gt; structure');
  });

  it('stays within GitHub’s 65,535 characters, saying it was cut', () => {
    const change = riskySummary.changes[0]!;
    const changes = Array.from({ length: 100 }, (_, i) => ({
      ...change,
      logicalId: `R${i}${'x'.repeat(900)}`,
    }));
    const huge = deploymentFixture({
      kind: 'preview',
      status: 'PLANNING',
      changeSet: { id: 'cs', name: 'n', summary: { ...riskySummary, changes } },
    });
    const { summary } = checkRunOutput(huge, { event: 'preview ready' });
    expect(summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_MAX);
    expect(summary.endsWith('…(truncated)')).toBe(true);
  });

  it('names the stacks a deployment waits for, queued', () => {
    const waiting = deploymentFixture({ status: 'AWAITING_DEPENDENCIES', waitingFor: ['network-prod'] });
    const output = checkRunOutput(waiting, { event: 'waiting for network-prod to deploy first' });
    expect(output.title).toBe('Waiting for its dependencies to deploy');
    expect(output.summary).toContain('**Deploys after** `network-prod` at 6113728');
  });
});
