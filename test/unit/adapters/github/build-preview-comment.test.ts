import { describe, expect, it } from 'vitest';
import {
  buildPreviewComment,
  PREVIEW_MARKER,
} from '../../../../shared/adapters/github/build-preview-comment.ts';
import { ReasonCode } from '../../../../shared/domain/deployment/reason-code.ts';
import { deploymentFixture, riskySummary } from '../../../support/deployment-fixture.ts';

const preview = deploymentFixture({ kind: 'preview', pullRequest: 7 });

describe('buildPreviewComment', () => {
  it('starts with the preview marker and the stack marker', () => {
    const lines = buildPreviewComment(preview, { event: 'planned' }).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      PREVIEW_MARKER,
      '<!-- converge:stack=default/eu-west-1/network-prod -->',
    ]);
  });

  it('links the short revision to the commit', () => {
    expect(buildPreviewComment(preview, { event: 'x' })).toContain(
      '[`6113728`](https://github.com/acme/infra/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246)',
    );
  });

  it('counts the changes and states the risk', () => {
    expect(buildPreviewComment(preview, { event: 'x' })).toContain(
      '**Risk: dangerous** · 2 to add · 1 to modify · 1 to remove · 1 replaced · 1 IAM / security',
    );
  });

  it.each([
    ['a replacement', '| Modify | `Bucket` | AWS::S3::Bucket | **yes** | replacement |'],
    ['an IAM change', '| Modify | `DeployRole` | AWS::IAM::Role |  | **iam** |'],
    ['a removal', '| Remove | `OldQueue` | AWS::SQS::Queue |  | removal |'],
  ])('marks %s in the table', (_case, row) => {
    expect(buildPreviewComment(preview, { event: 'x' })).toContain(row);
  });

  it('escapes table and HTML characters from resource names', () => {
    const summary = {
      ...riskySummary,
      changes: [{ ...riskySummary.changes[0]!, logicalId: 'A|B', resourceType: 'Custom::<script>' }],
    };
    const body = buildPreviewComment(
      deploymentFixture({ kind: 'preview', changeSet: { id: 'c', name: 'n', summary } }),
      { event: 'x' },
    );
    expect(body).toContain('`A\\|B`');
    expect(body).toContain('Custom::&lt;script&gt;');
    expect(body).not.toContain('<script>');
  });

  it('shows why a plan failed', () => {
    const failed = deploymentFixture({
      kind: 'preview',
      status: 'PLAN_FAILED',
      reason: { code: ReasonCode.TEMPLATE_INVALID, message: 'Template format error: unsupported structure' },
    });
    expect(buildPreviewComment(failed, { event: 'x' })).toContain(
      '> Template format error: unsupported structure',
    );
  });
});
