import { describe, expect, it } from 'vitest';
import type { CfnResourceChange } from '../../../../shared/domain/change-set/change.ts';
import { describeChangeSetSummary } from '../../../../shared/domain/change-set/describe-change-set-summary.ts';
import { summarizeChangeSet } from '../../../../shared/domain/change-set/summarize-change-set.ts';
import { loadChangeSet } from '../../../fixtures/change-sets/load-change-set.ts';

const modify = (id: string, replacement: string): CfnResourceChange => ({
  Action: 'Modify',
  LogicalResourceId: id,
  ResourceType: 'AWS::SQS::Queue',
  Replacement: replacement,
});

describe('describeChangeSetSummary', () => {
  it.each([
    [
      'update-with-replacement-and-iam',
      '2 to add, 1 to modify, 1 to replace (Queue), 1 may be replaced (QueuePolicy), IAM changes, resource policy changes',
    ],
    [
      'remove-with-retain-and-snapshot',
      '1 to modify, 3 to remove (ArchiveBucket, LegacyDatabase, OldTopicPolicy), resource policy changes',
    ],
    ['tags-and-properties-only', '1 to add, 2 to modify'],
    ['revert-drift', '1 to modify'],
  ])('describes %s in one line', (name, text) => {
    expect(describeChangeSetSummary(summarizeChangeSet(loadChangeSet(name).Changes))).toBe(text);
  });

  it('names the transforms the template runs', () => {
    const summary = summarizeChangeSet(loadChangeSet('revert-drift').Changes, {
      transforms: ['AWS::Serverless-2016-10-31'],
    });

    expect(describeChangeSetSummary(summary)).toBe('1 to modify, runs AWS::Serverless-2016-10-31');
  });

  it('says so when nothing changes', () => {
    expect(describeChangeSetSummary(summarizeChangeSet([]))).toBe('no changes');
  });

  it('names at most three replaced resources', () => {
    const changes = ['A', 'B', 'C', 'D', 'E'].map((id) => ({
      Type: 'Resource',
      ResourceChange: modify(id, 'True'),
    }));

    expect(describeChangeSetSummary(summarizeChangeSet(changes))).toBe('5 to replace (A, B, C, +2 more)');
  });

  it('mentions imports and dynamic changes', () => {
    const summary = summarizeChangeSet([
      {
        Type: 'Resource',
        ResourceChange: { Action: 'Import', LogicalResourceId: 'T', ResourceType: 'AWS::DynamoDB::Table' },
      },
      {
        Type: 'Resource',
        ResourceChange: { Action: 'Dynamic', LogicalResourceId: 'F', ResourceType: 'AWS::Lambda::Function' },
      },
    ]);

    expect(describeChangeSetSummary(summary)).toBe('1 to import, 1 decided at execution');
  });

  it('reads summaries stored before import and dynamic were counted', () => {
    const {
      import: _i,
      dynamic: _d,
      ...older
    } = summarizeChangeSet([{ Type: 'Resource', ResourceChange: modify('Q', 'False') }]);

    expect(describeChangeSetSummary(older)).toBe('1 to modify');
  });
});
